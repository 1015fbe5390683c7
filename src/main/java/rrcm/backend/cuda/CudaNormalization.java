package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.backend.ReduceOp;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * Softmax, layer normalization and batch normalization on the device (kernels/normalize.cu), with the
 * signatures and semantics of the {@link rrcm.backend.Backend} methods of the same names. Row ops run
 * one block per row; the layer-norm parameter gradients are column sums over the rows, done by the
 * reduction kernels of {@link CudaOps#reduce} in their fixed order; batch norm walks each channel's
 * rows in one thread, in the CPU backend's order and rounding, so it gives the CPU's bits.
 */
public final class CudaNormalization {
    private static final int MAX_BLOCKS = 65535;
    private static final int THREADS = 256;

    private final CudaOps ops;

    public CudaNormalization(CudaOps ops) {
        this.ops = ops;
    }

    /** A warp for short rows, up to 256 threads for long ones. */
    private static int rowThreads(int cols) {
        int t = 32;
        while (t < 256 && t < cols) t *= 2;
        return t;
    }

    private void rows(String kernel, int rows, int cols, KernelArgs args) {
        ops.device().launch(kernel, Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(rowThreads(cols)), 0, args);
    }

    private void channels(String kernel, int c, KernelArgs args) {
        ops.device().launch(kernel, Dim3.of(Math.max(1, Math.min((c + THREADS - 1) / THREADS, MAX_BLOCKS))), Dim3.of(THREADS), 0, args);
    }

    private CudaStorage f32(CudaStorage s, String op, String what, long numel) {
        ops.f32(s, op);
        CudaOps.sameLength(op + " (" + what + ")", s.numel(), numel);
        return s;
    }

    private CudaStorage optional(CudaStorage s, String op, String what, long numel) {
        return s == null ? null : f32(s, op, what, numel);
    }

    private static rrcm.device.DeviceBuffer buf(CudaStorage s) {
        return s == null ? null : s.buffer();
    }

    public void softmax(CudaStorage x, CudaStorage y, int rows, int cols, boolean log) {
        String op = log ? "log_softmax" : "softmax";
        long n = (long) rows * cols;
        f32(x, op, "input", n);
        f32(y, op, "output", n);
        if (n == 0) return;
        rows("softmax_rows", rows, cols, KernelArgs.of().ptr(x.buffer()).ptr(y.buffer()).i32(rows).i32(cols).i32(log ? 1 : 0));
    }

    public void softmaxBackward(CudaStorage y, CudaStorage gy, CudaStorage gx, int rows, int cols, boolean log) {
        String op = log ? "log_softmax_backward" : "softmax_backward";
        long n = (long) rows * cols;
        f32(y, op, "output", n);
        f32(gy, op, "output gradient", n);
        f32(gx, op, "input gradient", n);
        if (n == 0) return;
        rows("softmax_backward", rows, cols, KernelArgs.of().ptr(y.buffer()).ptr(gy.buffer()).ptr(gx.buffer()).i32(rows).i32(cols)
                .i32(log ? 1 : 0));
    }

    public void layerNorm(CudaStorage x, CudaStorage w, CudaStorage b, float eps, CudaStorage y, CudaStorage mean,
                          CudaStorage rstd, int rows, int cols) {
        String op = "layer_norm";
        long n = (long) rows * cols;
        f32(x, op, "input", n);
        optional(w, op, "weight", cols);
        optional(b, op, "bias", cols);
        f32(y, op, "output", n);
        f32(mean, op, "mean", rows);
        f32(rstd, op, "rstd", rows);
        if (rows == 0) return;
        rows("layer_norm", rows, cols, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(buf(b)).f32(eps).ptr(y.buffer())
                .ptr(mean.buffer()).ptr(rstd.buffer()).i32(rows).i32(cols));
    }

    public void layerNormBackward(CudaStorage x, CudaStorage w, CudaStorage mean, CudaStorage rstd, CudaStorage gy,
                                  CudaStorage gx, CudaStorage gw, CudaStorage gb, int rows, int cols) {
        String op = "layer_norm_backward";
        long n = (long) rows * cols;
        f32(x, op, "input", n);
        optional(w, op, "weight", cols);
        f32(mean, op, "mean", rows);
        f32(rstd, op, "rstd", rows);
        f32(gy, op, "output gradient", n);
        f32(gx, op, "input gradient", n);
        optional(gw, op, "weight gradient", cols);
        optional(gb, op, "bias gradient", cols);
        if (n == 0) {
            if (gw != null) ops.fill(gw, 0f);
            if (gb != null) ops.fill(gb, 0f);
            return;
        }
        CudaStorage gyXhat = gw != null ? ops.allocate(DType.F32, (int) n) : null;
        try {
            rows("layer_norm_backward", rows, cols, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(mean.buffer())
                    .ptr(rstd.buffer()).ptr(gy.buffer()).ptr(gx.buffer()).ptr(buf(gyXhat)).i32(rows).i32(cols));
            int[] shape = {rows, cols}, colsShape = {1, cols};
            if (gw != null) ops.reduce(ReduceOp.SUM, gyXhat, shape, gw, colsShape);
            if (gb != null) ops.reduce(ReduceOp.SUM, gy, shape, gb, colsShape);
        } finally {
            if (gyXhat != null) ops.release(gyXhat);
        }
    }

    public void batchNormTrain(CudaStorage x, CudaStorage w, CudaStorage b, float eps, float momentum, CudaStorage runningMean,
                               CudaStorage runningVar, CudaStorage y, CudaStorage mean, CudaStorage invstd, int n, int c) {
        String op = "batch_norm";
        long numel = (long) n * c;
        f32(x, op, "input", numel);
        optional(w, op, "weight", c);
        optional(b, op, "bias", c);
        optional(runningMean, op, "running mean", c);
        optional(runningVar, op, "running variance", c);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException(op + ": the running mean and variance come together");
        }
        f32(y, op, "output", numel);
        f32(mean, op, "mean", c);
        f32(invstd, op, "invstd", c);
        if (n < 1) throw new IllegalArgumentException(op + ": batch statistics need at least one row, got " + n);
        if (c == 0) return;
        channels("batch_norm_train", c, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(buf(b)).f32(eps).f32(momentum)
                .ptr(buf(runningMean)).ptr(buf(runningVar)).ptr(y.buffer()).ptr(mean.buffer()).ptr(invstd.buffer()).i32(n).i32(c));
    }

    public void batchNormEval(CudaStorage x, CudaStorage w, CudaStorage b, float eps, CudaStorage runningMean,
                              CudaStorage runningVar, CudaStorage y, int n, int c) {
        String op = "batch_norm";
        long numel = (long) n * c;
        f32(x, op, "input", numel);
        optional(w, op, "weight", c);
        optional(b, op, "bias", c);
        f32(runningMean, op, "running mean", c);
        f32(runningVar, op, "running variance", c);
        f32(y, op, "output", numel);
        if (numel == 0) return;
        ops.launch1d("batch_norm_eval", numel, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(buf(b)).f32(eps)
                .ptr(runningMean.buffer()).ptr(runningVar.buffer()).ptr(y.buffer()).i32(n).i32(c));
    }

    public void batchNormBackward(CudaStorage x, CudaStorage w, CudaStorage mean, CudaStorage invstd, CudaStorage gy,
                                  CudaStorage gx, CudaStorage gw, CudaStorage gb, int n, int c) {
        String op = "batch_norm_backward";
        long numel = (long) n * c;
        f32(x, op, "input", numel);
        optional(w, op, "weight", c);
        f32(mean, op, "mean", c);
        f32(invstd, op, "invstd", c);
        f32(gy, op, "output gradient", numel);
        f32(gx, op, "input gradient", numel);
        optional(gw, op, "weight gradient", c);
        optional(gb, op, "bias gradient", c);
        if (c == 0) return;
        channels("batch_norm_backward", c, KernelArgs.of().ptr(x.buffer()).ptr(buf(w)).ptr(mean.buffer()).ptr(invstd.buffer())
                .ptr(gy.buffer()).ptr(gx.buffer()).ptr(buf(gw)).ptr(buf(gb)).i32(n).i32(c));
    }
}
