package rrcm.backend.cuda;

import rrcm.backend.RandomOps;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The random family on the device (kernels/random.cu), bit-identical to the CPU's: the same Philox
 * blocks and Box-Muller polynomials as {@link rrcm.backend.BoxMuller}, one thread per Philox block of four
 * elements (noisy copies: a grid row of blocks per copy, a thread per four pixels, float4 stores).
 */
final class CudaRandom extends RandomOps<CudaStorage> {
    private final CudaRuntime rt;

    CudaRandom(CudaBackend backend, CudaRuntime rt) {
        super(backend, CudaStorage.class);
        this.rt = rt;
    }

    @Override
    protected void doNormal(CudaStorage out, long seed, long stream, long counter, float mean, float std) {
        int n = out.numel();
        rt.launch1d("philox_normal", (n + 3L) / 4, KernelArgs.of().ptr(out.buffer()).i64(n).i64(seed).i64(stream)
                .i64(counter).f32(mean).f32(std));
    }

    @Override
    protected void doUniform(CudaStorage out, long seed, long stream, long counter, float low, float high) {
        int n = out.numel();
        float width = high - low;
        rt.launch1d("philox_uniform", (n + 3L) / 4, KernelArgs.of().ptr(out.buffer()).i64(n).i64(seed).i64(stream)
                .i64(counter).f32(low).f32(width));
    }

    @Override
    protected void doNoisyCopies(CudaStorage base, int pixels, int stride, int n, long seed, long stream, long counter,
                                 float std, CudaStorage out) {
        int perCopy = (pixels + 3) / 4;
        int threads = Math.min(CudaRuntime.THREADS, (perCopy + 31) / 32 * 32);
        int x = Math.min((perCopy + threads - 1) / threads, 64);
        rt.device().launch("philox_noisy_copies", new Dim3(x, Math.min(n, CudaRuntime.MAX_GRID_YZ), 1), Dim3.of(threads), 0,
                KernelArgs.of().ptr(base.buffer()).ptr(out.buffer()).i32(pixels).i32(stride).i32(n).i64(seed).i64(stream)
                        .i64(counter).f32(std));
    }

    /** Up to eight levels per launch: their times and scales travel by value in one struct. */
    @Override
    protected void doNoiseLevels(CudaStorage x, CudaStorage z, float[] t, float[] scale, CudaStorage[] out) {
        int n = x.numel();
        for (int l0 = 0; l0 < out.length; l0 += 8) {
            int levels = Math.min(8, out.length - l0);
            int[] lv = new int[16]; // struct NoiseLevels { float t[8]; float scale[8]; }, by value
            for (int l = 0; l < levels; l++) {
                lv[l] = Float.floatToRawIntBits(t[l0 + l]);
                lv[8 + l] = Float.floatToRawIntBits(scale[l0 + l]);
            }
            KernelArgs args = KernelArgs.of().ptr(x.buffer()).ptr(z.buffer()).i64(n).i32(levels).struct(lv);
            for (int l = 0; l < 8; l++) args.ptr(l < levels ? out[l0 + l].buffer() : null);
            rt.launch1d("noise_levels", n, args);
        }
    }
}
