package rrcm.backend.cuda;

import rrcm.backend.NoiseLayout;
import rrcm.device.KernelArgs;

/**
 * Random fills and in-place parameter updates on the device, each one grid-stride launch
 * (kernels/philox.cu, kernels/updates.cu), with the signatures and semantics of the
 * {@link rrcm.backend.Backend} methods of the same names and bit-identical results: the same Philox
 * blocks and Box-Muller polynomials as {@link rrcm.backend.BoxMuller}, and AdamW and axpby rounded
 * operation by operation as the CPU backend rounds them. The scalars the CPU backend derives from the
 * hyperparameters (1 - lr wd, lr / bias1, sqrt(bias2), 1 - beta) are derived here, in Java, the same
 * way, and passed to the kernels.
 */
public final class CudaRandomUpdates {
    private final CudaOps ops;

    public CudaRandomUpdates(CudaOps ops) {
        this.ops = ops;
    }

    /** Element i: {@code mean + std * z}, z from lane i % 4 of Philox block counter + i / 4 under (seed, stream). */
    public void randomNormal(CudaStorage out, long seed, long stream, long counter, float mean, float std) {
        int n = ops.f32(out, "randomNormal").numel();
        if (n == 0) return;
        ops.launch1d("philox_normal", (n + 3L) / 4, KernelArgs.of().ptr(out.buffer()).i64(n).i64(seed).i64(stream)
                .i64(counter).f32(mean).f32(std));
    }

    /** Element i: {@code low + (high - low) * u}, u uniform in [0, 1) from lane i % 4 of block counter + i / 4. */
    public void randomUniform(CudaStorage out, long seed, long stream, long counter, float low, float high) {
        int n = ops.f32(out, "randomUniform").numel();
        if (n == 0) return;
        float width = high - low;
        ops.launch1d("philox_uniform", (n + 3L) / 4, KernelArgs.of().ptr(out.buffer()).i64(n).i64(seed).i64(stream)
                .i64(counter).f32(low).f32(width));
    }

    /** n noisy copies of base in one pass (see Backend#noisyCopies). */
    public void noisyCopies(CudaStorage base, int pixels, int stride, int n, long seed, long stream, long counter, float std,
                            CudaStorage out) {
        String op = "noisy_copies";
        NoiseLayout.check(pixels, stride, n, ops.f32(base, op).numel(), ops.f32(out, op).numel());
        if (n == 0) return;
        ops.launch1d("philox_noisy_copies", (long) n * ((pixels + 3) / 4), KernelArgs.of().ptr(base.buffer()).ptr(out.buffer())
                .i32(pixels).i32(stride).i32(n).i64(seed).i64(stream).i64(counter).f32(std));
    }

    /** One AdamW step in place on p, m and v (PyTorch's rule, see Backend#adamw). */
    public void adamw(CudaStorage p, CudaStorage g, CudaStorage m, CudaStorage v, float lr, float beta1, float beta2,
                      float eps, float weightDecay, float bias1, float bias2) {
        String op = "adamw";
        int n = ops.f32(p, op).numel();
        CudaOps.sameLength(op + " (gradient)", ops.f32(g, op).numel(), n);
        CudaOps.sameLength(op + " (first moment)", ops.f32(m, op).numel(), n);
        CudaOps.sameLength(op + " (second moment)", ops.f32(v, op).numel(), n);
        if (n == 0) return;
        float decay = 1f - lr * weightDecay;
        float stepSize = lr / bias1;
        float sqrtBias2 = (float) Math.sqrt(bias2);
        ops.launch1d("adamw", (n + 3L) / 4, KernelArgs.of().ptr(p.buffer()).ptr(g.buffer()).ptr(m.buffer()).ptr(v.buffer())
                .i64(n).f32(decay).f32(stepSize).f32(sqrtBias2).f32(1f - beta1).f32(beta2).f32(1f - beta2).f32(eps));
    }

    /** y = a * y + b * x, in place; x may be y. */
    public void axpby(CudaStorage y, CudaStorage x, float a, float b) {
        int n = ops.f32(y, "axpby").numel();
        CudaOps.sameLength("axpby", ops.f32(x, "axpby").numel(), n);
        if (n == 0) return;
        ops.launch1d("axpby", (n + 3L) / 4, KernelArgs.of().ptr(y.buffer()).ptr(x.buffer()).i64(n).f32(a).f32(b));
    }
}
