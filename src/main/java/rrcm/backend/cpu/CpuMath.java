package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Special functions that java.lang.Math lacks, in scalar and vector form with the same formulas:
 * the Gaussian CDF Phi (for the exact GELU) and its density.
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
        float halfErfc = 0.5f * t * (float) Math.exp(-az * az + acc);
        return z < 0 ? halfErfc : 1f - halfErfc;
    }

    /** Standard normal density. */
    static float density(float x) {
        return INV_SQRT_2PI * (float) Math.exp(-0.5f * x * x);
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
        FloatVector halfErfc = t.mul(0.5f).mul(az.mul(az).neg().add(tail).lanewise(VectorOperators.EXP));
        FloatVector outer = halfErfc.blend(FloatVector.broadcast(s, 1f).sub(halfErfc),
                z.compare(VectorOperators.GE, 0f));
        return inner.blend(outer, far);
    }

    static FloatVector density(FloatVector x) {
        return x.mul(x).mul(-0.5f).lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
    }
}
