package rrcm.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import rrcm.backend.DType;
import rrcm.backend.ReduceOp;
import rrcm.backend.ReduceOps;
import rrcm.backend.ShapePlan;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The reduce family on the device (kernels/reduce.cu): each pass of a {@link ShapePlan.Reduction} is one
 * launch, rows (a block per output, a tree in shared memory) when the reduced axis is innermost and
 * columns (a warp across 32 outputs) otherwise; a long reduction with few outputs is split into partial
 * sums reduced again, in a fixed order. argmax is one thread per output walking its axis.
 */
final class CudaReduce extends ReduceOps<CudaStorage> {
    private final CudaRuntime rt;

    CudaReduce(CudaBackend backend, CudaRuntime rt) {
        super(backend, CudaStorage.class);
        this.rt = rt;
    }

    @Override
    protected void doReduce(ReduceOp op, CudaStorage x, CudaStorage out, ShapePlan.Reduction plan) {
        if (plan.passes().isEmpty()) {
            rt.copy(x, 0, out, 0, out.numel());
            return;
        }
        int code = OpCodes.reduce(op);
        List<CudaStorage> temporaries = new ArrayList<>();
        try {
            CudaStorage cur = x;
            for (int p = 0; p < plan.passes().size(); p++) {
                int[] pass = plan.passes().get(p);
                boolean last = p == plan.passes().size() - 1;
                float scale = last && op == ReduceOp.MEAN ? 1f / plan.count() : 1f;
                CudaStorage dst = last ? out : rt.allocate(DType.F32, pass[0] * pass[2]);
                if (!last) temporaries.add(dst);
                pass(code, cur, pass[0], pass[1], pass[2], dst, scale, temporaries);
                cur = dst;
            }
        } finally {
            for (CudaStorage t : temporaries) rt.release(t);
        }
    }

    /** out (outer, inner) = op over x (outer, red, inner), times scale; long reductions split in two launches. */
    private void pass(int code, CudaStorage x, int outer, int red, int inner, CudaStorage out, float scale,
                      List<CudaStorage> temporaries) {
        int sms = rt.device().multiprocessors();
        if (inner == 1) {
            int splits = outer >= 2 * sms || red < 8192 ? 1 : (int) Math.min(1024, (red + 4095) / 4096);
            int threads = Math.min(1024, Math.max(32, Integer.highestOneBit(Math.max(1, red / splits - 1)) * 2));
            threads = Math.min(threads, CudaRuntime.THREADS);
            CudaStorage partial = out;
            if (splits > 1) {
                partial = rt.allocate(DType.F32, outer * splits);
                temporaries.add(partial);
            }
            rt.device().launch("reduce_rows", new Dim3(Math.min(outer, 1 << 20), splits, 1), Dim3.of(threads), 0,
                    KernelArgs.of().i32(code).ptr(x.buffer()).ptr(partial.buffer()).i32(outer).i32(red).i32(splits)
                            .f32(splits > 1 ? 1f : scale));
            if (splits > 1) pass(code, partial, outer, splits, 1, out, scale, temporaries);
            return;
        }
        long columnBlocks = (long) outer * ((inner + 31) / 32);
        int splits = columnBlocks >= 2L * sms || red < 512 ? 1 : (int) Math.min(64, (red + 255) / 256);
        CudaStorage partial = out;
        if (splits > 1) {
            partial = rt.allocate(DType.F32, outer * splits * inner);
            temporaries.add(partial);
        }
        rt.device().launch("reduce_cols", new Dim3((inner + 31) / 32, Math.min(outer, CudaRuntime.MAX_GRID_YZ), splits),
                Dim3.of(32, 8), 0, KernelArgs.of().i32(code).ptr(x.buffer()).ptr(partial.buffer()).i32(outer).i32(red)
                        .i32(inner).i32(splits).f32(splits > 1 ? 1f : scale));
        if (splits > 1) pass(code, partial, outer, splits, inner, out, scale, temporaries);
    }

    @Override
    protected void doArgmax(CudaStorage src, int outer, int axis, int inner, CudaStorage dst) {
        rt.launch1d("argmax", (long) outer * inner,
                KernelArgs.of().ptr(src.buffer()).ptr(dst.buffer()).i32(outer).i32(axis).i32(inner));
    }
}
