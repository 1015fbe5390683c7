package rrcm.backend;

/**
 * The family {@code random}: Philox4x32-10 streams (see {@link Philox}) turned into floats by
 * {@link BoxMuller}, bit-identical on every backend. A draw is addressed, not sequential: element i of a
 * fill is lane i % 4 of Philox block (counter + i / 4) under the key (seed, stream).
 */
public abstract class RandomOps<S extends Storage> extends Family<S> {
    protected RandomOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /** Element i of out: {@code mean + std * z}, z the standard normal of element i. */
    public final void normal(Storage out, long seed, long stream, long counter, float mean, float std) {
        S o = f32("random_normal", "output", out);
        blocks("random_normal", counter, (o.numel() + 3L) / 4);
        if (o.numel() > 0) doNormal(o, seed, stream, counter, mean, std);
    }

    /** Element i of out: {@code low + (high - low) * u}, u uniform in [0, 1). */
    public final void uniform(Storage out, long seed, long stream, long counter, float low, float high) {
        S o = f32("random_uniform", "output", out);
        blocks("random_uniform", counter, (o.numel() + 3L) / 4);
        if (o.numel() > 0) doUniform(o, seed, stream, counter, low, high);
    }

    /**
     * n noisy copies of {@code base} (pixels values) in one pass, the noise injection of randomized
     * smoothing: out (n, pixels) with {@code out[i, p] = fma(z, std, 0) + base[p]}, z the standard normal of
     * element {@code i * stride + p} (stride a multiple of 4, at least pixels, so that every copy starts on a
     * Philox block of its own). The same bits as {@link #normal} of (n, stride) with mean 0, narrowed to
     * pixels, plus base.
     */
    public final void noisyCopies(Storage base, int pixels, int stride, int n, long seed, long stream, long counter,
                                  float std, Storage out) {
        String op = "noisy_copies";
        require(pixels >= 1 && n >= 0 && stride >= pixels && stride % 4 == 0, op, "need pixels >= 1, n >= 0 and a stride "
                + "that is a multiple of 4 and at least pixels; got pixels " + pixels + ", stride " + stride + ", n " + n);
        blocks(op, counter, n == 0 ? 0 : (long) (n - 1) * (stride / 4) + (pixels + 3) / 4);
        S b = f32(op, "base", base, pixels);
        S o = f32(op, "output", out, (long) n * pixels);
        if (n > 0) doNoisyCopies(b, pixels, stride, n, seed, stream, counter, std, o);
    }

    /**
     * Points of several noise levels on the trajectories of x through z (same size): out[l] =
     * (x + t[l] z) scale[l], rounded as the three separate ops (z t, then x +, then the scale); the training
     * form of the noise injection, one pass over x and z for all levels.
     */
    public final void noiseLevels(Storage x, Storage z, float[] t, float[] scale, Storage[] out) {
        String op = "noise_levels";
        require(t.length == scale.length && t.length == out.length, op, t.length + " times, " + scale.length + " scales and "
                + out.length + " outputs");
        S xs = f32(op, "x", x);
        S zs = f32(op, "z", z, xs.numel());
        S[] outs = newArray(out.length);
        for (int l = 0; l < out.length; l++) outs[l] = f32(op, "output " + l, out[l], xs.numel());
        if (xs.numel() > 0 && out.length > 0) doNoiseLevels(xs, zs, t.clone(), scale.clone(), outs);
    }

    /**
     * The Philox blocks counter .. counter + blocks - 1 must stay below 2^63: a block's top counter bit
     * addresses its fallback block ({@link BoxMuller#FALLBACK}), which no draw may use as its own.
     */
    private static void blocks(String op, long counter, long blocks) {
        require(counter >= 0 && counter <= Long.MAX_VALUE - blocks, op, "Philox counters " + counter + " to "
                + counter + " + " + blocks + " leave [0, 2^63), whose top bit addresses the fallback blocks");
    }

    protected abstract void doNormal(S out, long seed, long stream, long counter, float mean, float std);

    protected abstract void doUniform(S out, long seed, long stream, long counter, float low, float high);

    protected abstract void doNoisyCopies(S base, int pixels, int stride, int n, long seed, long stream, long counter,
                                          float std, S out);

    protected abstract void doNoiseLevels(S x, S z, float[] t, float[] scale, S[] out);
}
