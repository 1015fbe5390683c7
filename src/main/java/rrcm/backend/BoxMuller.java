package rrcm.backend;

/**
 * Turns Philox words into uniform and standard normal floats with basic IEEE operations only: +, -, *,
 * /, sqrt and fused multiply-add, each of which is correctly rounded in Java and in CUDA (kernels
 * spell the same steps with __fmaf_rn, __fmul_rn, __fadd_rn). The logarithm and the sine and cosine
 * are our own polynomials for that reason: library versions differ between platforms in the last bit.
 *
 * <p>Two words (a, b) give two normals: u = (a >>> 8 + 1) / 2^24 in (0, 1], the angle 2*pi*v with
 * v = (b >>> 8) / 2^24 in [0, 1), r = sqrt(-2 ln u), z0 = r cos(2 pi v), z1 = r sin(2 pi v).
 * The largest |z| is sqrt(2 ln 2^24) = 5.77: the Gaussian mass beyond it is 8e-9.
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

    /** Writes the two normals of words (a, b) into out[at] (cosine branch) and out[at + 1] (sine branch). */
    public static void normals(int a, int b, float[] out, int at) {
        float u = ((a >>> 8) + 1) * TWO_POW_M24;
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
