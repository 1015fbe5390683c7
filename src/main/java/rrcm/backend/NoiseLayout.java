package rrcm.backend;

/** The argument checks of {@link Backend#noisyCopies}, shared by the backends. */
public final class NoiseLayout {
    private NoiseLayout() {}

    /** The argument checks of {@link Backend#noiseLevels}. */
    public static void checkLevels(long xNumel, long zNumel, float[] t, float[] scale, Storage[] out) {
        if (t.length != scale.length || t.length != out.length) {
            throw new IllegalArgumentException("noise_levels: " + t.length + " times, " + scale.length + " scales and "
                    + out.length + " outputs");
        }
        if (zNumel != xNumel) throw new IllegalArgumentException("noise_levels: x has " + xNumel + " values, z " + zNumel);
        for (Storage o : out) {
            if (o.numel() != xNumel) {
                throw new IllegalArgumentException("noise_levels: an output has " + o.numel() + " values where " + xNumel
                        + " are needed");
            }
        }
    }

    public static void check(int pixels, int stride, int n, long baseNumel, long outNumel) {
        if (pixels < 1 || n < 0 || stride < pixels || stride % 4 != 0) {
            throw new IllegalArgumentException("noisy_copies: need pixels >= 1, n >= 0 and a stride that is a multiple of 4 "
                    + "and at least pixels; got pixels " + pixels + ", stride " + stride + ", n " + n);
        }
        if (baseNumel != pixels) {
            throw new IllegalArgumentException("noisy_copies: base has " + baseNumel + " values where " + pixels + " are needed");
        }
        if (outNumel != (long) n * pixels) {
            throw new IllegalArgumentException("noisy_copies: out has " + outNumel + " values where " + (long) n * pixels
                    + " are needed");
        }
    }
}
