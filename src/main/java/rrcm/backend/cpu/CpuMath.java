package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Special functions in scalar and vector form with the same formulas: e^x, the Gaussian CDF Phi (for
 * the exact GELU) and its density, and a lane sum in a fixed order.
 *
 * <p>Why our own: the Vector API's lanewise EXP is Math.exp while code runs interpreted and Intel
 * SVML once C2 compiles it, and reduceLanes(ADD) leaves its order open; both change the last bits of
 * results with the JIT's state, so a resumed run would not repeat an uninterrupted one. These use only
 * +, *, fma, compares and bit operations, which every execution mode rounds identically.
 *
 * <p>Phi(x) = (1 + erf(x / sqrt 2)) / 2. For |x / sqrt 2| below 1 erf is its Taylor series up to x^21
 * (truncation below 2e-9); beyond, the tail uses erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z / 2),
 * with the Chebyshev fit of Numerical Recipes (relative error below 1.2e-7), so the negative tail of
 * Phi keeps its relative accuracy instead of cancelling in 1 - erfc.
 */
final class CpuMath {
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    /** 2/sqrt(pi) * (-1)^n / (n! (2n+1)), n = 0..10: erf(z) = z * sum c_n z^(2n). */
    private static final float[] ERF_TAYLOR = new float[11];
    /** erfc tail: exponent polynomial coefficients, t^0 first. */
    private static final float[] ERFC_TAIL = {
        -1.26551223f, 1.00002368f, 0.37409196f, 0.09678418f, -0.18628806f,
        0.27886807f, -1.13520398f, 1.48851587f, -0.82215223f, 0.17087277f};

    static {
        double factorial = 1;
        for (int n = 0; n < ERF_TAYLOR.length; n++) {
            if (n > 0) factorial *= n;
            ERF_TAYLOR[n] = (float) (2 / Math.sqrt(Math.PI) * ((n & 1) == 0 ? 1 : -1) / (factorial * (2 * n + 1)));
        }
    }

    private CpuMath() {}

    static float phi(float x) {
        float z = x * INV_SQRT2;
        float az = Math.abs(z);
        if (az < 1f) {
            float z2 = z * z;
            float acc = ERF_TAYLOR[ERF_TAYLOR.length - 1];
            for (int i = ERF_TAYLOR.length - 2; i >= 0; i--) acc = Math.fma(acc, z2, ERF_TAYLOR[i]);
            return 0.5f + 0.5f * z * acc;
        }
        float t = 1f / (1f + 0.5f * az);
        float acc = ERFC_TAIL[ERFC_TAIL.length - 1];
        for (int i = ERFC_TAIL.length - 2; i >= 0; i--) acc = Math.fma(acc, t, ERFC_TAIL[i]);
        float halfErfc = 0.5f * t * exp(-az * az + acc);
        return z < 0 ? halfErfc : 1f - halfErfc;
    }

    /** Standard normal density. */
    static float density(float x) {
        return exp(x * x * -0.5f) * INV_SQRT_2PI;
    }

    static float gelu(float x) {
        return x * phi(x);
    }

    /** d/dx [x Phi(x)] = Phi(x) + x phi(x). */
    static float geluGrad(float x) {
        return phi(x) + x * density(x);
    }

    static FloatVector phi(VectorSpecies<Float> s, FloatVector x) {
        FloatVector z = x.mul(INV_SQRT2);
        FloatVector az = z.abs();
        FloatVector z2 = z.mul(z);
        FloatVector acc = FloatVector.broadcast(s, ERF_TAYLOR[ERF_TAYLOR.length - 1]);
        for (int i = ERF_TAYLOR.length - 2; i >= 0; i--) acc = acc.fma(z2, FloatVector.broadcast(s, ERF_TAYLOR[i]));
        FloatVector inner = z.mul(acc).mul(0.5f).add(0.5f);
        VectorMask<Float> far = az.compare(VectorOperators.GE, 1f);
        if (!far.anyTrue()) return inner;
        FloatVector t = FloatVector.broadcast(s, 1f).div(az.mul(0.5f).add(1f));
        FloatVector tail = FloatVector.broadcast(s, ERFC_TAIL[ERFC_TAIL.length - 1]);
        for (int i = ERFC_TAIL.length - 2; i >= 0; i--) tail = tail.fma(t, FloatVector.broadcast(s, ERFC_TAIL[i]));
        FloatVector halfErfc = t.mul(0.5f).mul(exp(az.mul(az).neg().add(tail)));
        FloatVector outer = halfErfc.blend(FloatVector.broadcast(s, 1f).sub(halfErfc),
                z.compare(VectorOperators.GE, 0f));
        return inner.blend(outer, far);
    }

    static FloatVector density(FloatVector x) {
        return exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
    }

    private static final float LOG2E = (float) (1 / Math.log(2));
    // ln 2 split so that n * LN2_HI is exact for |n| < 2^8
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.42860682030941723212e-6f;
    /** 1.5 * 2^23: adding it rounds a float below 2^22 in magnitude to an integer, kept in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B40_0000;
    /** e^x is below the smallest normal float under EXP_MIN (the result is 0) and overflows above EXP_MAX. */
    private static final float EXP_MIN = -87.33654f, EXP_MAX = 88.72283f;
    private static final float E2 = 1f / 2, E3 = 1f / 6, E4 = 1f / 24, E5 = 1f / 120, E6 = 1f / 720, E7 = 1f / 5040;

    /**
     * e^x = 2^n e^r with n = round(x / ln 2) and r = x - n ln 2 (|r| <= ln2 / 2, subtracted in two parts);
     * e^r by its Taylor polynomial to r^7 (truncation below 6e-9), so within about 1 ulp. 0 below EXP_MIN,
     * infinity above EXP_MAX, NaN for NaN.
     */
    static FloatVector exp(FloatVector x) {
        VectorSpecies<Float> s = x.species();
        FloatVector c = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = c.fma(FloatVector.broadcast(s, LOG2E), FloatVector.broadcast(s, ROUNDER));
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(s, -LN2_HI), c);
        r = n.fma(FloatVector.broadcast(s, -LN2_LO), r);
        FloatVector p = r.fma(E7, E6).fma(r, FloatVector.broadcast(s, E5)).fma(r, FloatVector.broadcast(s, E4))
                .fma(r, FloatVector.broadcast(s, E3)).fma(r, FloatVector.broadcast(s, E2))
                .fma(r, FloatVector.broadcast(s, 1f)).fma(r, FloatVector.broadcast(s, 1f));
        // t's low bits hold n + 2^22; 2^n has the exponent field n + 127
        IntVector pow2 = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector y = p.mul(pow2.reinterpretAsFloats());
        return y.blend(0f, x.compare(VectorOperators.LT, EXP_MIN)).blend(x, x.compare(VectorOperators.NE, x));
    }

    /** The scalar twin of {@link #exp(FloatVector)}: the same operations, so the same bits. */
    static float exp(float x) {
        if (x != x) return x;
        if (x < EXP_MIN) return 0f;
        float c = Math.min(x, EXP_MAX);
        float t = Math.fma(c, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_HI, c);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, E7, E6);
        p = Math.fma(p, r, E5);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUNDER_BITS - 127)) << 23);
    }

    /** The lanes of v added first to last. */
    static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}
