package rrcm.backend;

/**
 * Turns Philox words into uniform and standard normal floats with basic IEEE operations only: +, -, *,
 * /, sqrt and fused multiply-add, each of which is correctly rounded in Java and in CUDA (kernels
 * spell the same steps with __fmaf_rn, __fmul_rn, __fadd_rn). The logarithm and the sine and cosine
 * are our own polynomials for that reason: library versions differ between platforms in the last bit.
 *
 * <p>Two words (a, b) give two normals: r = sqrt(-2 ln u), z0 = r cos(2 pi v), z1 = r sin(2 pi v), with
 * the angle's v = (b >>> 8) / 2^24 in [0, 1) and the radius's u in (0, 1] from the other 40 bits, a and
 * the low byte of b: u = (2X + 1) / 2^41 rounded to float (24 significant bits, with their exponent),
 * X = a 2^8 + (b & 0xFF). When those 40 bits are all zero (once in 2^40 pairs) u takes 32 more bits,
 * word p of the pair's fallback block (the Philox block at the same counter with its top bit set; the
 * engine's counters stay below 2^63): u = (2Y + 1) / 2^73. So u is cut at 2^-73 and the radius at
 * sqrt(146 ln 2) = 10.06: the Gaussian mass the noise cannot reach is 2^-73 = 1e-22 per pair, 8e-18 per
 * noisy 224 x 224 x 3 image, against the smallest 1 - pA any run certifies (6.9e-7 at N = 10^7,
 * alpha = 0.001). (A radius from 24 bits, as before, cut it at 5.77: 6e-8 of the mass per pair, 4.5e-3
 * per ImageNet image, more than 1 - pA at N = 10^5.)
 */
public final class BoxMuller {
    // Public so that a vectorized copy of these steps (rrcm.backend.cpu.PhiloxLanes) uses the same numbers.
    public static final float TWO_POW_M24 = 0x1p-24f;
    public static final float TWO_PI = (float) (2 * Math.PI);
    /** ln 2 split so that e * LN2_HI is exact for the exponents of (0, 1]: LN2_HI has 16 significant bits. */
    public static final float LN2_HI = 0.693145751953125f;
    public static final float LN2_LO = 1.42860682030941723212e-6f;
    public static final float SQRT2 = 1.41421356f;
    /** Taylor coefficients of sin x / x in x^2 (|x| <= pi / 4), highest first. */
    public static final float S9 = 1f / 362880f, S7 = -1f / 5040f, S5 = 1f / 120f, S3 = -1f / 6f;
    /** Taylor coefficients of cos x in x^2, highest first. */
    public static final float C10 = -1f / 3628800f, C8 = 1f / 40320f, C6 = -1f / 720f, C4 = 1f / 24f, C2 = -0.5f;
    /** 2 atanh(s) / s in z = s^2, highest first: 2/11, 2/9, 2/7, 2/5, 2/3 (and 2). */
    public static final float L11 = 2f / 11f, L9 = 2f / 9f, L7 = 2f / 7f, L5 = 2f / 5f, L3 = 2f / 3f;

    private BoxMuller() {}

    /** Uniform in [0, 1) from the top 24 bits of a word: exactly k / 2^24. */
    public static float uniform(int word) {
        return (word >>> 8) * TWO_POW_M24;
    }

    /** Set in a block's counter to address its fallback block, whose words extend the radius's uniform. */
    public static final long FALLBACK = Long.MIN_VALUE;
    public static final float TWO_POW_M41 = 0x1p-41f;
    public static final float TWO_POW_M73 = 0x1p-73f;

    /** Whether the radius of words (a, b) needs its fallback word: the 40 bits it takes are all zero. */
    public static boolean needsFallback(int a, int b) {
        return a == 0 && (b & 0xFF) == 0;
    }

    /** The fallback word of pair p (0: words 0 and 1, 1: words 2 and 3) of Philox block {@code block}. */
    public static int fallbackWord(long seed, long stream, long block, int pair) {
        int[] w = new int[4];
        Philox.block(seed, stream, block ^ FALLBACK, w, 0);
        return w[pair];
    }

    /**
     * The radius's uniform in (0, 1]: (2X + 1) / 2^41 with X = a 2^8 + (b & 0xFF), or (2Y + 1) / 2^73 with
     * Y = fallback when X = 0. The double holds 2X + 1 (41 bits) exactly, so the float is one rounding.
     */
    public static float radiusUniform(int a, int b, int fallback) {
        if (!needsFallback(a, b)) {
            return (float) ((a & 0xFFFF_FFFFL) * 512.0 + (2 * (b & 0xFF) + 1)) * TWO_POW_M41;
        }
        return (float) ((fallback & 0xFFFF_FFFFL) * 2.0 + 1) * TWO_POW_M73;
    }

    /** The four normals of Philox block {@code block} of (seed, stream) into out[at .. at + 3]: pairs (0, 1), (2, 3). */
    public static void blockNormals(long seed, long stream, long block, float[] out, int at) {
        int[] w = new int[4];
        Philox.block(seed, stream, block, w, 0);
        normals(w[0], w[1], needsFallback(w[0], w[1]) ? fallbackWord(seed, stream, block, 0) : 0, out, at);
        normals(w[2], w[3], needsFallback(w[2], w[3]) ? fallbackWord(seed, stream, block, 1) : 0, out, at + 2);
    }

    /**
     * Writes the two normals of words (a, b) into out[at] (cosine branch) and out[at + 1] (sine branch);
     * {@code fallback} is read only when {@link #needsFallback} says so.
     */
    public static void normals(int a, int b, int fallback, float[] out, int at) {
        float u = radiusUniform(a, b, fallback);
        float r = (float) Math.sqrt(-2f * logUnit(u));
        // Reduce the angle in integers: turns = n / 2^24 = q / 4 + rem / 2^24 with rem in [-2^21, 2^21).
        int n = b >>> 8;
        int q = (n + (1 << 21)) >>> 22;
        int rem = n - (q << 22);
        float x = (rem * TWO_POW_M24) * TWO_PI; // |x| <= pi / 4
        float x2 = x * x;
        float sin = x * Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, S9, S7), S5), S3), 1f);
        float cos = Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, Math.fma(x2, C10, C8), C6), C4), C2), 1f);
        float c;
        float s;
        switch (q & 3) {
            case 0 -> { c = cos; s = sin; }
            case 1 -> { c = -sin; s = cos; }
            case 2 -> { c = -cos; s = -sin; }
            default -> { c = sin; s = -cos; }
        }
        out[at] = r * c;
        out[at + 1] = r * s;
    }

    /**
     * Natural logarithm of u in (0, 1]: u = m * 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s)
     * with s = (m - 1) / (m + 1), |s| <= 0.172, summed to s^11 (truncation below 2e-11).
     */
    static float logUnit(float u) {
        int bits = Float.floatToRawIntBits(u);
        int e = ((bits >>> 23) & 0xFF) - 127;
        float m = Float.intBitsToFloat((bits & 0x007F_FFFF) | 0x3F80_0000);
        if (m > SQRT2) {
            m *= 0.5f;
            e += 1;
        }
        float f = m - 1f; // exact (Sterbenz)
        float s = f / (2f + f);
        float z = s * s;
        float poly = Math.fma(z, Math.fma(z, Math.fma(z, Math.fma(z, Math.fma(z, L11, L9), L7), L5), L3), 2f);
        float lnM = s * poly;
        float ef = e;
        return Math.fma(ef, LN2_HI, Math.fma(ef, LN2_LO, lnM));
    }
}
