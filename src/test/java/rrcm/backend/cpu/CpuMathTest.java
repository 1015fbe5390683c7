package rrcm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The CPU backend's own special functions against double-precision references. */
class CpuMathTest {
    private static double ulps(double value, float actual) {
        return Math.abs(actual - value) / Math.ulp((float) value);
    }

    @Test
    void expIsWithinTwoUlpsAndHandlesTheEdges() {
        int n = 200_001;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) x[i] = -87f + 175f * i / (n - 1);
        CpuMath.exp(x, 0, 0f, y, 0, n);
        double worst = 0;
        for (int i = 0; i < n; i++) worst = Math.max(worst, ulps(Math.exp(x[i]), y[i]));
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
        float[] edge = {Float.NEGATIVE_INFINITY, -1000f, 0f, 89f, Float.POSITIVE_INFINITY, Float.NaN};
        CpuMath.exp(edge, 0, 0f, edge, 0, edge.length);
        assertEquals(0f, edge[0]);
        assertEquals(0f, edge[1]);
        assertEquals(1f, edge[2]);
        assertEquals(Float.POSITIVE_INFINITY, edge[3]);
        assertEquals(Float.POSITIVE_INFINITY, edge[4]);
        assertTrue(Float.isNaN(edge[5]));
    }

    @Test
    void expShiftsAndMatchesItsScalarForm() {
        float[] x = {1f, 2f, 3f};
        float[] y = new float[3];
        CpuMath.exp(x, 0, 3f, y, 0, 3);
        assertEquals((float) Math.exp(-2), y[0], 1e-7);
        assertEquals(y[2], 1f);
        assertEquals(CpuMath.exp(-2f), y[0]);
    }

    @Test
    void expSumReturnsTheOrderedSumOfWhatItWrote() {
        for (int n : new int[] {1, 7, 16, 17, 66, 768, 1001}) {
            float[] x = new float[n + 3], y = new float[n];
            for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(0.37 * i) * 9f;
            float sum = CpuMath.expSum(x, 3, 2.5f, y, 0, n);
            assertEquals(CpuMath.sum(y, 0, n), sum, "n = " + n); // the same bits, not merely close
            for (int i = 0; i < n; i++) assertEquals(CpuMath.exp(x[i + 3] - 2.5f), y[i]);
        }
        float[] withNaN = {0f, Float.NaN, 1f};
        assertTrue(Float.isNaN(CpuMath.expSum(withNaN, 0, 0f, new float[3], 0, 3)));
    }

    /** Phi(x) = erfc(-x / sqrt 2) / 2, by the continued fraction / series in double (Abramowitz and Stegun 26.2). */
    private static double phiReference(double x) {
        // series for |x| small, continued fraction for the tails; both converge to double precision here
        if (Math.abs(x) < 3) {
            double term = x, sum = x;
            for (int k = 1; k < 200; k++) {
                term *= x * x / (2 * k + 1);
                sum += term;
            }
            return 0.5 + sum * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
        }
        double ax = Math.abs(x), f = ax;
        for (int k = 60; k >= 1; k--) f = ax + k / f;
        double tail = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) / f;
        return x < 0 ? tail : 1 - tail;
    }

    @Test
    void phiKeepsItsRelativeAccuracyInTheNegativeTail() {
        int n = 4001;
        float[] x = new float[n], out = new float[n], scratch = new float[2 * CpuMath.CHUNK];
        for (int i = 0; i < n; i++) x[i] = -12f + 20f * i / (n - 1);
        for (int c = 0; c < n; c += CpuMath.CHUNK) CpuMath.phi(x, c, out, c, Math.min(CpuMath.CHUNK, n - c), scratch);
        for (int i = 0; i < n; i++) {
            double ref = phiReference(x[i]);
            // 1.2e-7 relative from the erfc fit and the float steps, plus the rounding of the exponent
            // -z^2 + q: z = x / sqrt 2 and its square each round by up to 2^-24 relative, an absolute
            // error of a few z^2 2^-24 that e^ turns into the same relative error
            double z2 = x[i] * (double) x[i] / 2;
            assertEquals(ref, out[i], (4e-7 + z2 * 3e-7) * ref + 1e-38, "Phi(" + x[i] + ")");
        }
    }

    @Test
    void geluAndItsGradient() {
        float[] x = {-6f, -1.5f, -0.3f, 0f, 0.7f, 2f, 9f};
        float[] y = new float[x.length], g = new float[x.length], ones = new float[x.length];
        java.util.Arrays.fill(ones, 1f);
        CpuMath.gelu(x, y, 0, x.length);
        CpuMath.geluBackward(x, ones, g, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            double phi = phiReference(x[i]), density = Math.exp(-x[i] * (double) x[i] / 2) / Math.sqrt(2 * Math.PI);
            assertEquals(x[i] * phi, y[i], 1e-6 * Math.abs(x[i] * phi) + 1e-12, "gelu(" + x[i] + ")");
            assertEquals(phi + x[i] * density, g[i], 1e-6, "gelu'(" + x[i] + ")");
        }
    }

    @Test
    void sumAddsInAFixedOrder() {
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) x[i] = 1f / (i + 1);
        float s = CpuMath.sum(x, 0, x.length);
        double ref = 0;
        for (float v : x) ref += v;
        assertEquals(ref, s, 1e-5);
        assertEquals(s, CpuMath.sum(x.clone(), 0, x.length));
    }
}
