package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.backend.LayoutOps;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The layout family on the device (kernels/layout.cu): strided row copies (a block row per run, adding
 * in place when asked), and permutations planned by {@link ShapePlans#permutation}: a plain copy, runs
 * along a kept innermost axis, or 32 x 32 tiles transposed through shared memory.
 */
final class CudaLayout extends LayoutOps<CudaStorage> {
    private final CudaRuntime rt;

    CudaLayout(CudaBackend backend, CudaRuntime rt) {
        super(backend, CudaStorage.class);
        this.rt = rt;
    }

    @Override
    protected void doCopyRows(CudaStorage s, int srcOffset, int srcStride, CudaStorage d, int dstOffset, int dstStride,
                              int rows, int rowLength, boolean accumulate) {
        int mode = !accumulate ? 0 : s.dtype() == DType.F32 ? 1 : 2;
        int threads = CudaRuntime.THREADS;
        int x = Math.max(1, Math.min((rowLength + threads - 1) / threads, 8));
        rt.device().launch("copy_rows", new Dim3(x, Math.min(rows, CudaRuntime.MAX_GRID_YZ), 1), Dim3.of(threads), 0,
                KernelArgs.of().ptr(s.buffer()).i32(srcOffset).i32(srcStride).ptr(d.buffer()).i32(dstOffset).i32(dstStride)
                        .i32(rows).i32(rowLength).i32(mode));
    }

    @Override
    protected void doPermute(CudaStorage s, int[] shape, int[] perm, CudaStorage d) {
        int n = s.numel();
        int maxYZ = CudaRuntime.MAX_GRID_YZ;
        switch (ShapePlans.permutation(shape, perm)) {
            case ShapePlans.Copy c -> rt.copy(s, 0, d, 0, n);
            case ShapePlans.Runs r -> rt.launch1d("permute_runs", n,
                    KernelArgs.of().ptr(s.buffer()).ptr(d.buffer()).struct(r.words()).i32(n));
            case ShapePlans.Tiled t -> rt.device().launch("permute_tiled",
                    new Dim3((t.cols() + 31) / 32, (int) Math.min((t.rows() + 31) / 32, maxYZ), (int) Math.min(t.batches(), maxYZ)),
                    Dim3.of(32, 8), 0, KernelArgs.of().ptr(s.buffer()).ptr(d.buffer()).struct(t.words()));
        }
    }
}
