package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.backend.NoiseLayout;
import rrcm.backend.UpdateLists;
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

    /** Points of several noise levels, up to eight per launch (see Backend#noiseLevels). */
    public void noiseLevels(CudaStorage x, CudaStorage z, float[] t, float[] scale, CudaStorage[] out) {
        String op = "noise_levels";
        ops.f32(x, op);
        ops.f32(z, op);
        for (CudaStorage o : out) ops.f32(o, op);
        NoiseLayout.checkLevels(x.numel(), z.numel(), t, scale, out);
        int n = x.numel();
        if (n == 0 || out.length == 0) return;
        for (int l0 = 0; l0 < out.length; l0 += 8) {
            int levels = Math.min(8, out.length - l0);
            int[] lv = new int[16]; // struct NoiseLevels { float t[8]; float scale[8]; }, by value
            for (int l = 0; l < levels; l++) {
                lv[l] = Float.floatToRawIntBits(t[l0 + l]);
                lv[8 + l] = Float.floatToRawIntBits(scale[l0 + l]);
            }
            KernelArgs args = KernelArgs.of().ptr(x.buffer()).ptr(z.buffer()).i64(n).i32(levels).struct(lv);
            for (int l = 0; l < 8; l++) args.ptr(l < levels ? out[l0 + l].buffer() : null);
            ops.launch1d("noise_levels", n, args);
        }
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

    /**
     * AdamW over a list of tensors in one launch (see Backend#adamwAll). The table of their addresses is
     * made on the device the first time a list is seen and kept while the same storages come back (a
     * parameter list's storages live as long as its optimizer), and so are the per-tensor learning-rate
     * scales and weight decays, uploaded again only when they change: a step uploads nothing (an upload
     * from pageable memory waits for the device's queue, which would stall the host at every step).
     */
    public void adamwAll(CudaStorage[] p, CudaStorage[] g, CudaStorage[] m, CudaStorage[] v, float lr, float[] lrScale,
                         float[] weightDecay, float beta1, float beta2, float eps, float bias1, float bias2) {
        String op = "adamw_all";
        int n = p.length;
        UpdateLists.check(op, p, g, m, v, lrScale, weightDecay);
        if (n == 0) return;
        CudaStorage[] all = new CudaStorage[4 * n];
        for (int i = 0; i < n; i++) {
            all[4 * i] = ops.f32(p[i], op);
            all[4 * i + 1] = ops.f32(g[i], op);
            all[4 * i + 2] = ops.f32(m[i], op);
            all[4 * i + 3] = ops.f32(v[i], op);
        }
        Table t = table(all, 4, true);
        if (t.total == 0) return;
        float[] rates = new float[2 * n]; // (lrScale, weightDecay) per tensor
        for (int i = 0; i < n; i++) {
            rates[2 * i] = lrScale[i];
            rates[2 * i + 1] = weightDecay[i];
        }
        if (!java.util.Arrays.equals(rates, adamwRates)) {
            if (adamwRatesOnDevice != null) ops.release(adamwRatesOnDevice);
            adamwRatesOnDevice = ops.upload(rates);
            adamwRates = rates;
        }
        ops.launch1d("adamw_all", t.total, KernelArgs.of().ptr(t.addresses.buffer()).ptr(t.offsets.buffer())
                .ptr(adamwRatesOnDevice.buffer()).i32(n).i64(t.total).f32(lr).f32(bias1).f32((float) Math.sqrt(bias2))
                .f32(1f - beta1).f32(beta2).f32(1f - beta2).f32(eps));
    }

    /** The last (lrScale, weightDecay) pairs of adamwAll, on the host and on the device. */
    private float[] adamwRates;
    private CudaStorage adamwRatesOnDevice;

    /** The device-side address table of a list of storages (four per tensor) and the tensors' running sizes. */
    private record Table(CudaStorage[] key, CudaStorage addresses, CudaStorage offsets, long total) {}

    private Table cachedAdamw, cachedAxpby;

    /** The table of a list of storages, perStorage of them per tensor (cached per use: AdamW or axpby). */
    private Table table(CudaStorage[] all, int perTensor, boolean adamw) {
        Table t = adamw ? cachedAdamw : cachedAxpby;
        if (t != null && java.util.Arrays.equals(t.key, all) && !t.addresses.released()) {
            boolean alive = true;
            for (CudaStorage s : all) alive &= !s.released();
            if (alive) return t;
        }
        if (t != null) {
            ops.release(t.addresses);
            ops.release(t.offsets);
        }
        int tensors = all.length / perTensor;
        int[] offsets = new int[tensors + 1];
        for (int i = 0; i < tensors; i++) {
            long next = (long) offsets[i] + all[perTensor * i].numel();
            if (next > Integer.MAX_VALUE) throw new IllegalArgumentException("update lists: more than 2^31 - 1 values in one list");
            offsets[i + 1] = (int) next;
        }
        CudaStorage addresses = ops.allocate(DType.I32, 2 * all.length); // 64-bit addresses
        for (int slot = 0; slot < all.length; slot += 8) {
            KernelArgs args = KernelArgs.of().ptr(addresses.buffer()).i32(slot).i32(Math.min(8, all.length - slot));
            for (int j = slot; j < slot + 8; j++) args.ptr(j < all.length ? all[j].buffer() : null);
            ops.device().launch("pointer_table", rrcm.device.Dim3.of(1), rrcm.device.Dim3.of(32), 0, args);
        }
        Table made = new Table(all, addresses, ops.upload(offsets), offsets[tensors]);
        if (adamw) cachedAdamw = made;
        else cachedAxpby = made;
        return made;
    }

    /** axpby over a list of (y, x) pairs in one launch (see Backend#axpbyAll); the address table is kept as for AdamW. */
    public void axpbyAll(CudaStorage[] y, CudaStorage[] x, float a, float b) {
        String op = "axpby_all";
        UpdateLists.checkPairs(op, y, x);
        if (y.length == 0) return;
        CudaStorage[] all = new CudaStorage[2 * y.length];
        for (int i = 0; i < y.length; i++) {
            all[2 * i] = ops.f32(y[i], op);
            all[2 * i + 1] = ops.f32(x[i], op);
        }
        Table t = table(all, 2, false);
        if (t.total == 0) return;
        ops.launch1d("axpby_all", t.total, KernelArgs.of().ptr(t.addresses.buffer()).ptr(t.offsets.buffer()).i32(y.length)
                .i64(t.total).f32(a).f32(b));
    }

    /** y = a * y + b * x, in place; x may be y. */
    public void axpby(CudaStorage y, CudaStorage x, float a, float b) {
        int n = ops.f32(y, "axpby").numel();
        CudaOps.sameLength("axpby", ops.f32(x, "axpby").numel(), n);
        if (n == 0) return;
        ops.launch1d("axpby", (n + 3L) / 4, KernelArgs.of().ptr(y.buffer()).ptr(x.buffer()).i64(n).f32(a).f32(b));
    }
}
