package rrcm.backend.cuda;

import rrcm.backend.Gemm;
import rrcm.backend.GemmOps;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The gemm family on the device: cuBLAS where the device finds it ({@link rrcm.device.Device#blas}, TF32
 * or FP32 as {@link Matmul} says), else the engine's own kernels (kernels/gemm.cu: 64 x 64 output tiles
 * per block, K in slices of 32 staged in shared memory, a kernel per transpose pair and per arithmetic;
 * the batch is the grid's z, looped over beyond 65,535), which the emulator always runs and the GPU
 * benchmark times beside cuBLAS.
 */
public final class CudaGemm extends GemmOps<CudaStorage> {
    /** The arithmetic of the products. */
    public enum Matmul {
        /** Tensor cores, TF32 inputs, float accumulation (relative error near 1e-3). */
        TF32,
        /** Plain float FMA (relative error near 1e-6), for exact-fp32 work and checks. */
        FP32
    }

    private final CudaRuntime rt;
    private final Matmul matmul;

    CudaGemm(CudaBackend backend, CudaRuntime rt, Matmul matmul) {
        super(backend, CudaStorage.class);
        this.rt = rt;
        this.matmul = matmul;
    }

    Matmul matmul() {
        return matmul;
    }

    /** Which products run: cuBLAS where the device has it, else the kernels of gemm.cu. */
    String describe() {
        return "matmul " + matmul + " by " + (rt.device().blas().isPresent() ? rt.device().blasStatus()
                : "the engine's kernel (" + rt.device().blasStatus() + ")");
    }

    @Override
    protected void doMultiply(Gemm g, CudaStorage a, CudaStorage b, CudaStorage c) {
        run(g, a, b, c, matmul == Matmul.TF32);
    }

    /** The product in plain float arithmetic whatever this backend's matmul (the losses' logits, as PyTorch's). */
    void multiplyFp32(Gemm g, CudaStorage a, CudaStorage b, CudaStorage c) {
        run(g, a, b, c, false);
    }

    private void run(Gemm g, CudaStorage a, CudaStorage b, CudaStorage c, boolean tf32) {
        var blas = rt.device().blas();
        if (blas.isPresent()) {
            blas.get().gemm(tf32, g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), a.buffer(),
                    g.strideA(), b.buffer(), g.strideB(), g.beta(), c.buffer(), g.strideC(), g.batch());
            return;
        }
        long rowTiles = (g.m() + 63) / 64;
        if (rowTiles > CudaRuntime.MAX_GRID_YZ) {
            throw new IllegalArgumentException("gemm: m = " + g.m() + " exceeds the kernels' " + 64L * CudaRuntime.MAX_GRID_YZ
                    + " rows");
        }
        String kernel = "gemm_" + (tf32 ? "tf32_" : "f32_") + (g.transA() ? "t" : "n") + (g.transB() ? "t" : "n");
        int[] shape = {g.m(), g.n(), g.k(), g.batch(), g.strideA(), g.strideB(), g.strideC(),
                Float.floatToRawIntBits(g.alpha()), Float.floatToRawIntBits(g.beta())};
        rt.device().launch(kernel, new Dim3((g.n() + 63) / 64, (int) rowTiles, Math.min(g.batch(), CudaRuntime.MAX_GRID_YZ)),
                Dim3.of(tf32 ? 128 : 256), 0,
                KernelArgs.of().struct(shape).ptr(a.buffer()).ptr(b.buffer()).ptr(c.buffer()));
    }
}
