package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.backend.NormOps;
import rrcm.backend.ReduceOp;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The norm family on the device (kernels/norm.cu). Row ops run one block per row; the layer-norm parameter
 * gradients are column sums over the rows, done by the reduce family's kernels in their fixed order;
 * batch norm gives a block to 32 channels and sums their rows in parts, in the CPU backend's blocked order
 * and rounding (CpuNorm.partRows), so it gives the CPU's bits.
 */
final class CudaNorm extends NormOps<CudaStorage> {
    private static final int MAX_BLOCKS = 65535;
    private static final int THREADS = 256;

    private final CudaRuntime rt;
    private final CudaReduce reduce;

    CudaNorm(CudaBackend backend, CudaRuntime rt, CudaReduce reduce) {
        super(backend, CudaStorage.class);
        this.rt = rt;
        this.reduce = reduce;
    }

    /** A warp for short rows, up to 256 threads for long ones. */
    private static int rowThreads(int cols) {
        int t = 32;
        while (t < 256 && t < cols) t *= 2;
        return t;
    }

    private void rows(String kernel, int rows, int cols, KernelArgs args) {
        rt.device().launch(kernel, Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(rowThreads(cols)), 0, args);
    }

    /** Batch norm: a block of (32, 8) per 32 channels, its thread rows over the rows' parts (kernels/norm.cu). */
    private void channels(String kernel, int c, KernelArgs args) {
        rt.device().launch(kernel, Dim3.of(Math.min((c + 31) / 32, MAX_BLOCKS)), Dim3.of(32, 8), 0, args);
    }



    private static rrcm.device.DeviceBuffer buf(CudaStorage s) {
        return s == null ? null : s.buffer();
    }

    @Override
    protected void doSoftmax(CudaStorage x, CudaStorage y, int rows, int cols, boolean log) {
        rows("softmax_rows", rows, cols, KernelArgs.of().ptr(x.buffer()).ptr(y.buffer()).i32(rows).i32(cols).i32(log ? 1 : 0));
    }

    @Override
    protected void doSoftmaxBackward(CudaStorage y, CudaStorage gy, CudaStorage gx, int rows, int cols, boolean log) {
        rows("softmax_backward", rows, cols, KernelArgs.of().ptr(y.buffer()).ptr(gy.buffer()).ptr(gx.buffer()).i32(rows).i32(cols)
                .i32(log ? 1 : 0));
    }

    @Override
    protected void doLayerNorm(CudaStorage x, CudaStorage w, CudaStorage b, float eps, CudaStorage y, CudaStorage mean,
                               CudaStorage rstd, int rows, int cols) {
        rows("layer_norm", rows, cols, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(buf(b)).f32(eps).ptr(y.buffer())
                .ptr(mean.buffer()).ptr(rstd.buffer()).i32(rows).i32(cols));
    }

    @Override
    protected void doLayerNormBackward(CudaStorage x, CudaStorage w, CudaStorage mean, CudaStorage rstd, CudaStorage gy,
                                       CudaStorage gx, CudaStorage gw, CudaStorage gb, int rows, int cols) {
        long n = (long) rows * cols;
        if (n == 0) {
            if (gw != null) rt.fill(gw, 0f);
            if (gb != null) rt.fill(gb, 0f);
            return;
        }
        CudaStorage gyXhat = gw != null ? rt.allocate(DType.F32, (int) n) : null;
        try {
            rows("layer_norm_backward", rows, cols, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(mean.buffer())
                    .ptr(rstd.buffer()).ptr(gy.buffer()).ptr(gx.buffer()).ptr(buf(gyXhat)).i32(rows).i32(cols));
            int[] shape = {rows, cols}, colsShape = {1, cols};
            if (gw != null) reduce.reduce(ReduceOp.SUM, gyXhat, shape, gw, colsShape);
            if (gb != null) reduce.reduce(ReduceOp.SUM, gy, shape, gb, colsShape);
        } finally {
            if (gyXhat != null) rt.release(gyXhat);
        }
    }

    @Override
    protected void doBatchNormTrain(CudaStorage x, CudaStorage w, CudaStorage b, float eps, float momentum,
                                    CudaStorage runningMean, CudaStorage runningVar, CudaStorage y, CudaStorage mean,
                                    CudaStorage invstd, int n, int c) {
        channels("batch_norm_train", c, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(buf(b)).f32(eps).f32(momentum)
                .ptr(buf(runningMean)).ptr(buf(runningVar)).ptr(y.buffer()).ptr(mean.buffer()).ptr(invstd.buffer()).i32(n).i32(c));
    }

    @Override
    protected void doBatchNormEval(CudaStorage x, CudaStorage w, CudaStorage b, float eps, CudaStorage runningMean,
                                   CudaStorage runningVar, CudaStorage y, int n, int c) {
        long numel = (long) n * c;
        rt.launch1d("batch_norm_eval", numel, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(buf(b)).f32(eps)
                .ptr(runningMean.buffer()).ptr(runningVar.buffer()).ptr(y.buffer()).i32(n).i32(c));
    }

    @Override
    protected void doBatchNormBackward(CudaStorage x, CudaStorage w, CudaStorage mean, CudaStorage invstd, CudaStorage gy,
                                       CudaStorage gx, CudaStorage gw, CudaStorage gb, int n, int c) {
        channels("batch_norm_backward", c, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(mean.buffer()).ptr(invstd.buffer())
                .ptr(gy.buffer()).ptr(gx.buffer()).ptr(buf(gw)).ptr(buf(gb)).i32(n).i32(c));
    }
}
