package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x, the Gaussian CDF Phi with the exact GELU built on it, and fixed-order sums, as kernels over
 * ranges of arrays.
 *
 * <p>Two rules of the CPU backend live here. First, results must not depend on the JIT's state: the
 * Vector API's lanewise EXP is Math.exp while code is interpreted and Intel SVML once C2 compiles it,
 * and reduceLanes(ADD) leaves its order open, so a resumed run would drift from an uninterrupted one.
 * These kernels use +, *, fma, compares and bit operations only, which every execution mode rounds
 * alike, and tails are masked vector operations rather than scalar twins. Second, a vector loop must
 * not call helper methods of ours: C2 inlines a large helper or not depending on profiles and on
 * whether it compiled the helper on its own first, and a helper left out of line boxes every vector
 * (twenty times slower). So each kernel here is one loop over a range, and larger functions compose
 * kernels over chunks of a scratch buffer, never per vector.
 */
final class CpuMath {
    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();
    /** Elements per chunk where a function composes kernels through scratch buffers. */
    static final int CHUNK = 512;

    private static final float LOG2E = (float) (1 / Math.log(2));
    // ln 2 split so that n * LN2_HI is exact for |n| < 2^8
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.42860682030941723212e-6f;
    /** 1.5 * 2^23: adding it rounds a float below 2^22 in magnitude to an integer kept in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B40_0000;
    /** e^x is below the smallest normal float under EXP_MIN (the result is 0) and overflows above EXP_MAX. */
    private static final float EXP_MIN = -87.33654f, EXP_MAX = 88.72283f;
    private static final float E2 = 1f / 2, E3 = 1f / 6, E4 = 1f / 24, E5 = 1f / 120, E6 = 1f / 720, E7 = 1f / 5040;
    private static final FloatVector LOG2E_V = FloatVector.broadcast(S, LOG2E), ROUNDER_V = FloatVector.broadcast(S, ROUNDER);
    private static final FloatVector NEG_LN2_HI_V = FloatVector.broadcast(S, -LN2_HI), NEG_LN2_LO_V = FloatVector.broadcast(S, -LN2_LO);

    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    // erf(z) = z * sum_n T_n z^(2n) for |z| < 1, T_n = 2/sqrt(pi) (-1)^n / (n! (2n + 1)), truncation below 2e-9
    private static final float T0 = taylor(0), T1 = taylor(1), T2 = taylor(2), T3 = taylor(3), T4 = taylor(4),
            T5 = taylor(5), T6 = taylor(6), T7 = taylor(7), T8 = taylor(8), T9 = taylor(9), T10 = taylor(10);
    // erfc(z) = t exp(-z^2 + sum_k C_k t^k), t = 1 / (1 + z/2), for z >= 1: the Chebyshev fit of Numerical
    // Recipes, relative error below 1.2e-7, so Phi's negative tail keeps its relative accuracy
    private static final float C0 = -1.26551223f, C1 = 1.00002368f, C2 = 0.37409196f, C3 = 0.09678418f,
            C4 = -0.18628806f, C5 = 0.27886807f, C6 = -1.13520398f, C7 = 1.48851587f, C8 = -0.82215223f,
            C9 = 0.17087277f;

    private CpuMath() {}

    private static float taylor(int n) {
        double factorial = 1;
        for (int k = 2; k <= n; k++) factorial *= k;
        return (float) (2 / Math.sqrt(Math.PI) * ((n & 1) == 0 ? 1 : -1) / (factorial * (2 * n + 1)));
    }

    /**
     * dst[d..d+n) = e^(src[s..s+n) - shift): x = k ln2 + r with |r| <= ln2 / 2 (subtracted in two parts),
     * e^r by its Taylor polynomial to r^7 (truncation below 6e-9, about 1 ulp after rounding), 2^k put into
     * the exponent bits. 0 below EXP_MIN, infinity above EXP_MAX, NaN for NaN. dst may be src.
     */
    static void exp(float[] src, int s, float shift, float[] dst, int d, int n) {
        FloatVector vShift = FloatVector.broadcast(S, shift);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            expLanes(FloatVector.fromArray(S, src, s + i).sub(vShift)).intoArray(dst, d + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            expLanes(FloatVector.fromArray(S, src, s + i, m).sub(vShift)).intoArray(dst, d + i, m);
        }
    }

    /**
     * {@link #exp(float[], int, float, float[], int, int)}, returning the sum of what it wrote, added in
     * the order of {@link #sum}: softmax and cross-entropy need both and save a pass over the row.
     * The range is clamped by compare and blend rather than max/min: Java's max and min must order NaN
     * and -0, which costs x86 several instructions each; a NaN fails both compares and flows through the
     * arithmetic as NaN on its own.
     */
    static float expSum(float[] src, int s, float shift, float[] dst, int d, int n) {
        FloatVector vShift = FloatVector.broadcast(S, shift), acc = FloatVector.zero(S);
        int i = 0;
        // whole vectors without masks (the masked loads and the masked add cost a fifth of the time), then
        // the tail under a mask: the same operations in the same order either way
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector y = expLanes(FloatVector.fromArray(S, src, s + i).sub(vShift));
            y.intoArray(dst, d + i);
            acc = acc.add(y);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector y = expLanes(FloatVector.fromArray(S, src, s + i, m).sub(vShift));
            y.intoArray(dst, d + i, m);
            acc = acc.add(y, m);
        }
        return sumLanes(acc);
    }

    /** e^x per lane: range reduction by ln 2 in two parts, a degree-7 polynomial, 2^k by exponent bits. */
    private static FloatVector expLanes(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, EXP_MIN);
        FloatVector c = x.blend(EXP_MIN, under).blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
        FloatVector t = c.fma(LOG2E_V, ROUNDER_V);
        FloatVector k = t.sub(ROUNDER_V);
        FloatVector r = k.fma(NEG_LN2_LO_V, k.fma(NEG_LN2_HI_V, c));
        FloatVector p = r.fma(E7, E6).fma(r, FloatVector.broadcast(S, E5)).fma(r, FloatVector.broadcast(S, E4))
                .fma(r, FloatVector.broadcast(S, E3)).fma(r, FloatVector.broadcast(S, E2))
                .fma(r, FloatVector.broadcast(S, 1f)).fma(r, FloatVector.broadcast(S, 1f));
        // t's low bits hold k + 2^22; 2^k has the exponent field k + 127
        IntVector pow2 = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(pow2.reinterpretAsFloats()).blend(0f, under);
    }

    /** e^x of one value, through the vector kernel so that it is the same bits. */
    static float exp(float x) {
        float[] v = {x};
        exp(v, 0, 0f, v, 0, 1);
        return v[0];
    }

    /**
     * Phi(x) = (1 + erf(x / sqrt 2)) / 2 into dst, for n <= CHUNK elements; the first 2 CHUNK floats of
     * scratch are its own (dst may lie beyond them in the same array). Four small kernels rather than
     * one large loop: C1 gives up on a loop with this many live vectors (it runs out of registers), and
     * code C1 cannot compile never reaches C2.
     */
    static void phi(float[] src, int s, float[] dst, int d, int n, float[] scratch) {
        phiNear(src, s, dst, d, n);
        if (tailExponent(src, s, scratch, n)) {
            exp(scratch, 0, 0f, scratch, 0, n);
            phiTail(src, s, dst, d, n, scratch);
        }
    }

    // Each loop below runs whole vectors without masks, then the tail under a mask: the same operations
    // on the same lanes either way (masked loads and stores in every iteration cost a third of the time).

    /** 0.5 + 0.5 erf(z), z = x / sqrt 2, by the Taylor series (accurate for |z| < 1). */
    private static void phiNear(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) phiNearLanes(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            phiNearLanes(FloatVector.fromArray(S, src, s + i, m)).intoArray(dst, d + i, m);
        }
    }

    private static FloatVector phiNearLanes(FloatVector x) {
        FloatVector z = x.mul(INV_SQRT2);
        FloatVector z2 = z.mul(z);
        FloatVector p = z2.fma(T10, T9).fma(z2, FloatVector.broadcast(S, T8)).fma(z2, FloatVector.broadcast(S, T7))
                .fma(z2, FloatVector.broadcast(S, T6)).fma(z2, FloatVector.broadcast(S, T5))
                .fma(z2, FloatVector.broadcast(S, T4)).fma(z2, FloatVector.broadcast(S, T3))
                .fma(z2, FloatVector.broadcast(S, T2)).fma(z2, FloatVector.broadcast(S, T1))
                .fma(z2, FloatVector.broadcast(S, T0));
        return z.mul(p).mul(0.5f).add(0.5f);
    }

    /**
     * For the erfc tail: the exponent -z^2 + q(t) into scratch[0, n) and t = 1 / (1 + |z| / 2) into
     * scratch[CHUNK, CHUNK + n); whether any |z| >= 1 needs them.
     */
    private static boolean tailExponent(float[] src, int s, float[] scratch, int n) {
        boolean any = false;
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector az = FloatVector.fromArray(S, src, s + i).mul(INV_SQRT2).abs();
            any |= az.compare(VectorOperators.GE, 1f).anyTrue();
            FloatVector t = FloatVector.broadcast(S, 1f).div(az.mul(0.5f).add(1f));
            tailExponentLanes(az, t).intoArray(scratch, i);
            t.intoArray(scratch, CHUNK + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector az = FloatVector.fromArray(S, src, s + i, m).mul(INV_SQRT2).abs();
            any |= az.compare(VectorOperators.GE, 1f).and(m).anyTrue();
            FloatVector t = FloatVector.broadcast(S, 1f).div(az.mul(0.5f).add(1f));
            tailExponentLanes(az, t).intoArray(scratch, i, m);
            t.intoArray(scratch, CHUNK + i, m);
        }
        return any;
    }

    private static FloatVector tailExponentLanes(FloatVector az, FloatVector t) {
        FloatVector q = t.fma(C9, C8).fma(t, FloatVector.broadcast(S, C7)).fma(t, FloatVector.broadcast(S, C6))
                .fma(t, FloatVector.broadcast(S, C5)).fma(t, FloatVector.broadcast(S, C4))
                .fma(t, FloatVector.broadcast(S, C3)).fma(t, FloatVector.broadcast(S, C2))
                .fma(t, FloatVector.broadcast(S, C1)).fma(t, FloatVector.broadcast(S, C0));
        return az.mul(az).neg().add(q);
    }

    /** Where |z| >= 1: Phi = erfc(|z|) / 2 below 0, 1 - erfc(|z|) / 2 above, with e^(exponent) in scratch. */
    private static void phiTail(float[] src, int s, float[] dst, int d, int n, float[] scratch) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, src, s + i);
            FloatVector halfErfc = FloatVector.fromArray(S, scratch, CHUNK + i).mul(0.5f).mul(FloatVector.fromArray(S, scratch, i));
            phiTailLanes(x, halfErfc, FloatVector.fromArray(S, dst, d + i)).intoArray(dst, d + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, src, s + i, m);
            FloatVector halfErfc = FloatVector.fromArray(S, scratch, CHUNK + i, m).mul(0.5f)
                    .mul(FloatVector.fromArray(S, scratch, i, m));
            phiTailLanes(x, halfErfc, FloatVector.fromArray(S, dst, d + i, m)).intoArray(dst, d + i, m);
        }
    }

    private static FloatVector phiTailLanes(FloatVector x, FloatVector halfErfc, FloatVector near) {
        VectorMask<Float> far = x.mul(INV_SQRT2).abs().compare(VectorOperators.GE, 1f);
        FloatVector tail = halfErfc.blend(FloatVector.broadcast(S, 1f).sub(halfErfc), x.compare(VectorOperators.GE, 0f));
        return near.blend(tail, far);
    }

    /** out = x Phi(x), the exact GELU; out may be x. */
    static void gelu(float[] x, float[] out, int from, int to) {
        float[] scratch = new float[3 * CHUNK];
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            phi(x, c, scratch, 2 * CHUNK, n, scratch);
            int i = 0;
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector.fromArray(S, x, c + i).mul(FloatVector.fromArray(S, scratch, 2 * CHUNK + i)).intoArray(out, c + i);
            }
            if (i < n) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector.fromArray(S, x, c + i, m).mul(FloatVector.fromArray(S, scratch, 2 * CHUNK + i, m))
                        .intoArray(out, c + i, m);
            }
        }
    }

    /** gx = gy (Phi(x) + x phi(x)), with phi the standard normal density; gx may be gy. */
    static void geluBackward(float[] x, float[] gy, float[] gx, int from, int to) {
        float[] scratch = new float[4 * CHUNK];
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c), bound = S.loopBound(n), i;
            phi(x, c, scratch, 3 * CHUNK, n, scratch);
            // the density e^(-x^2 / 2) / sqrt(2 pi), its exponent staged in the third scratch block
            for (i = 0; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, c + i);
                v.mul(v).mul(-0.5f).intoArray(scratch, 2 * CHUNK + i);
            }
            if (i < n) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector v = FloatVector.fromArray(S, x, c + i, m);
                v.mul(v).mul(-0.5f).intoArray(scratch, 2 * CHUNK + i, m);
            }
            exp(scratch, 2 * CHUNK, 0f, scratch, 2 * CHUNK, n);
            for (i = 0; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, c + i);
                FloatVector density = FloatVector.fromArray(S, scratch, 2 * CHUNK + i).mul(INV_SQRT_2PI);
                FloatVector grad = FloatVector.fromArray(S, scratch, 3 * CHUNK + i).add(v.mul(density));
                grad.mul(FloatVector.fromArray(S, gy, c + i)).intoArray(gx, c + i);
            }
            if (i < n) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector v = FloatVector.fromArray(S, x, c + i, m);
                FloatVector density = FloatVector.fromArray(S, scratch, 2 * CHUNK + i, m).mul(INV_SQRT_2PI);
                FloatVector grad = FloatVector.fromArray(S, scratch, 3 * CHUNK + i, m).add(v.mul(density));
                grad.mul(FloatVector.fromArray(S, gy, c + i, m)).intoArray(gx, c + i, m);
            }
        }
    }

    /** out = 1 / (1 + e^-x). */
    static void sigmoid(float[] x, float[] out, int from, int to) {
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            for (int i = 0; i < n; i += L) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector.fromArray(S, x, c + i, m).neg().intoArray(out, c + i, m);
            }
            exp(out, c, 0f, out, c, n);
            for (int i = 0; i < n; i += L) {
                VectorMask<Float> m = S.indexInRange(i, n);
                FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, out, c + i, m).add(1f)).intoArray(out, c + i, m);
            }
        }
    }

    /** The sum of x[off..off+n): sixteen-lane partial sums, then the lanes first to last. */
    static float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) acc = acc.add(FloatVector.fromArray(S, x, off + i, S.indexInRange(i, n)));
        return sumLanes(acc);
    }

    /** The lanes of v added first to last (reduceLanes(ADD) leaves the order open). */
    static float sumLanes(FloatVector v) {
        // constant lane numbers, which C2 extracts in registers: with a loop's variable lane number the
        // library's per-lane fallback showed in attention's profile under -XX:UseAVX=2 (v's own length,
        // a constant once inlined, picks the lanes, so a vector of any width is summed whole)
        int n = v.length();
        float s = 0;
        s += v.lane(0);
        s += v.lane(1);
        s += v.lane(2);
        s += v.lane(3);
        if (n > 4) {
            s += v.lane(4);
            s += v.lane(5);
            s += v.lane(6);
            s += v.lane(7);
        }
        if (n > 8) {
            s += v.lane(8);
            s += v.lane(9);
            s += v.lane(10);
            s += v.lane(11);
            s += v.lane(12);
            s += v.lane(13);
            s += v.lane(14);
            s += v.lane(15);
        }
        return s;
    }
}
