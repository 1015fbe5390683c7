package rrcm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import rrcm.backend.AttentionShape;

/**
 * Fused attention, forward and backward, against a naive double-precision reference, and bitwise
 * the same on one thread and on two (the two-thread run also takes the two-pass backward when there
 * are fewer heads than threads).
 *
 * <p>Each element's error is measured against its own magnitude, the sum of the absolute values of
 * the terms that make it (see {@link #reference}): the scale at which float rounding shows, even in
 * elements that cancel to near 0 or in rows whose softmax sits on one key.
 */
class CpuAttentionTest {
    private static final Parallel ONE = new Parallel(1);
    private static final Parallel TWO = new Parallel(2);

    /**
     * Errors in units of the reference's magnitudes (see {@link #reference}): a float chain of n FMAs
     * is off by at most about n 2^-24 of its magnitude, in practice by a few 2^-24, since rounding
     * errors of random sign cancel. Seen: o and lse below 4 x 2^-24, gq, gk, gv below 3 x 2^-24. The
     * bounds leave room for unlucky draws; a wrong block, a lost rescale or a wrong mask shows as errors
     * of 1e-3 of the magnitude or more.
     */
    private static final double FORWARD_TOL = 32 * 0x1p-24;
    private static final double BACKWARD_TOL = 32 * 0x1p-24;
    /**
     * Probabilities below e^-87 (under the normal float range) are flushed to 0: each is off by at most
     * 2e-38, times factors below 1e3 in these inputs, summed over at most 1024 terms.
     */
    private static final double FLUSHED = 1e-31;

    @AfterAll
    static void closePools() {
        ONE.close();
        TWO.close();
    }

    static List<Arguments> shapes() {
        int[][] lengths = {{1, 1}, {1, 7}, {66, 66}, {17, 130}, {197, 197}, {300, 45}};
        int[] dims = {1, 8, 16, 31, 64, 80, 128};
        List<Arguments> out = new ArrayList<>();
        int index = 0;
        for (int[] t : lengths) {
            for (int dh : dims) {
                for (float magnitude : new float[] {1f, 5f}) {
                    out.add(Arguments.of(1 + index % 13, t[0], t[1], dh, magnitude));
                    index += 5;
                }
            }
        }
        out.add(Arguments.of(1, 1024, 1024, 64, 1f));
        out.add(Arguments.of(2, 1024, 1000, 32, 5f));
        return out;
    }

    @ParameterizedTest(name = "heads={0} tq={1} tk={2} dh={3} x{4}")
    @MethodSource("shapes")
    void matchesReferenceAndIsIndependentOfThreads(int heads, int tq, int tk, int dh, float magnitude) {
        AttentionShape s = new AttentionShape(heads, tq, tk, dh, (float) (1 / Math.sqrt(dh)));
        Random rnd = new Random(31L * tq + 7L * tk + dh + heads);
        float[] q = normal(rnd, heads * tq * dh, magnitude);
        float[] k = normal(rnd, heads * tk * dh, magnitude);
        float[] v = normal(rnd, heads * tk * dh, 1f);
        float[] go = normal(rnd, heads * tq * dh, 1f);

        Run one = run(ONE, s, q, k, v, go);
        Run two = run(TWO, s, q, k, v, go);
        // bitwise: blocks only split each FMA chain into calls, so no rounding may change
        assertArrayEquals(one.o, two.o, "o, 1 vs 2 threads");
        assertArrayEquals(one.lse, two.lse, "lse, 1 vs 2 threads");
        assertArrayEquals(one.gq, two.gq, "gq, 1 vs 2 threads");
        assertArrayEquals(one.gk, two.gk, "gk, 1 vs 2 threads");
        assertArrayEquals(one.gv, two.gv, "gv, 1 vs 2 threads");

        Run[] ref = reference(s, q, k, v, go);
        Run val = ref[0], mag = ref[1];
        assertClose("o", one.o, val.o, mag.o, FORWARD_TOL);
        assertClose("lse", one.lse, val.lse, mag.lse, FORWARD_TOL);
        assertClose("gq", one.gq, val.gq, mag.gq, BACKWARD_TOL);
        assertClose("gk", one.gk, val.gk, mag.gk, BACKWARD_TOL);
        assertClose("gv", one.gv, val.gv, mag.gv, BACKWARD_TOL);
    }

    private record Run(float[] o, float[] lse, float[] gq, float[] gk, float[] gv) {}

    /** Forward, then backward from the forward's own o and lse; outputs start as NaN to show they are written. */
    private static Run run(Parallel par, AttentionShape s, float[] q, float[] k, float[] v, float[] go) {
        float[] o = nan(q.length), lse = nan(s.heads() * s.tq());
        float[] gq = nan(q.length), gk = nan(k.length), gv = nan(v.length);
        CpuAttention.forward(par, s, q, k, v, o, lse);
        CpuAttention.backward(par, s, q, k, v, o, lse, go, gq, gk, gv);
        return new Run(o, lse, gq, gk, gv);
    }

    /**
     * The textbook formulas in double, one (tq, tk) matrix per head. Beside each output value, its
     * magnitude: the sum of the absolute values of every term that flows into it, each weighted by how
     * much a relative rounding error of its inputs moves it (a probability moves by its score's
     * magnitude, exp turning absolute error into relative). A float computation of it is then off by
     * at most a modest multiple of 2^-24 times that magnitude.
     */
    private static Run[] reference(AttentionShape s, float[] q, float[] k, float[] v, float[] go) {
        int tq = s.tq(), tk = s.tk(), dh = s.dh();
        double scale = Math.abs(s.scale());
        Run val = new Run(new float[q.length], new float[s.heads() * tq], new float[q.length], new float[k.length],
                new float[v.length]);
        Run mag = new Run(new float[q.length], new float[s.heads() * tq], new float[q.length], new float[k.length],
                new float[v.length]);
        double[][] p = new double[tq][tk], pMag = new double[tq][tk];
        double[][] ds = new double[tq][tk], dsMag = new double[tq][tk];
        for (int h = 0; h < s.heads(); h++) {
            int qb = h * tq * dh, kb = h * tk * dh;
            for (int i = 0; i < tq; i++) {
                double max = Double.NEGATIVE_INFINITY, sMax = 0;
                for (int j = 0; j < tk; j++) {
                    double dot = 0, abs = 0;
                    for (int d = 0; d < dh; d++) {
                        dot += (double) q[qb + i * dh + d] * k[kb + j * dh + d];
                        abs += Math.abs((double) q[qb + i * dh + d] * k[kb + j * dh + d]);
                    }
                    p[i][j] = dot * s.scale();
                    pMag[i][j] = abs * scale;
                    max = Math.max(max, p[i][j]);
                    sMax = Math.max(sMax, pMag[i][j]);
                }
                double sum = 0;
                for (int j = 0; j < tk; j++) sum += Math.exp(p[i][j] - max);
                double lse = max + Math.log(sum), lseMag = Math.abs(lse) + sMax;
                val.lse[h * tq + i] = (float) lse;
                mag.lse[h * tq + i] = (float) lseMag;
                for (int j = 0; j < tk; j++) {
                    p[i][j] = Math.exp(p[i][j] - lse);
                    pMag[i][j] = p[i][j] * (1 + pMag[i][j] + lseMag);
                }
                double rowD = 0, rowDMag = 0;
                for (int d = 0; d < dh; d++) {
                    double o = 0, oMag = 0;
                    for (int j = 0; j < tk; j++) {
                        o += p[i][j] * v[kb + j * dh + d];
                        oMag += pMag[i][j] * Math.abs(v[kb + j * dh + d]);
                    }
                    val.o[qb + i * dh + d] = (float) o;
                    mag.o[qb + i * dh + d] = (float) oMag;
                    rowD += go[qb + i * dh + d] * o;
                    rowDMag += Math.abs(go[qb + i * dh + d]) * oMag;
                }
                for (int j = 0; j < tk; j++) {
                    double dp = 0, dpMag = 0;
                    for (int d = 0; d < dh; d++) {
                        dp += (double) go[qb + i * dh + d] * v[kb + j * dh + d];
                        dpMag += Math.abs((double) go[qb + i * dh + d] * v[kb + j * dh + d]);
                    }
                    ds[i][j] = p[i][j] * (dp - rowD);
                    dsMag[i][j] = pMag[i][j] * Math.abs(dp - rowD) + p[i][j] * (dpMag + rowDMag);
                }
            }
            for (int j = 0; j < tk; j++) {
                for (int d = 0; d < dh; d++) {
                    double dk = 0, dkMag = 0, dv = 0, dvMag = 0;
                    for (int i = 0; i < tq; i++) {
                        float qv = q[qb + i * dh + d], g = go[qb + i * dh + d];
                        dk += ds[i][j] * qv;
                        dkMag += dsMag[i][j] * Math.abs(qv);
                        dv += p[i][j] * g;
                        dvMag += pMag[i][j] * Math.abs(g);
                    }
                    val.gk[kb + j * dh + d] = (float) (dk * s.scale());
                    mag.gk[kb + j * dh + d] = (float) (dkMag * scale);
                    val.gv[kb + j * dh + d] = (float) dv;
                    mag.gv[kb + j * dh + d] = (float) dvMag;
                }
            }
            for (int i = 0; i < tq; i++) {
                for (int d = 0; d < dh; d++) {
                    double dq = 0, dqMag = 0;
                    for (int j = 0; j < tk; j++) {
                        dq += ds[i][j] * k[kb + j * dh + d];
                        dqMag += dsMag[i][j] * Math.abs(k[kb + j * dh + d]);
                    }
                    val.gq[qb + i * dh + d] = (float) (dq * s.scale());
                    mag.gq[qb + i * dh + d] = (float) (dqMag * scale);
                }
            }
        }
        return new Run[] {val, mag};
    }

    /**
     * Every element within tol times its magnitude (see {@link #reference}), after allowing for
     * flushed probabilities.
     */
    private static void assertClose(String name, float[] got, float[] ref, float[] mag, double tol) {
        double worst = 0;
        int at = 0;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.max(0, Math.abs((double) got[i] - ref[i]) - FLUSHED);
            double rel = err == 0 ? 0 : err / mag[i];
            if (!(rel <= worst)) {
                worst = rel;
                at = i;
            }
        }
        System.out.printf("%s: worst error %.3g of the magnitude (%.1f x 2^-24)%n", name, worst, worst * 0x1p24);
        assertTrue(worst <= tol, name + "[" + at + "]: got " + got[at] + ", reference " + ref[at] + ", magnitude "
                + mag[at] + ": error " + worst + " of the magnitude, over " + tol);
    }

    private static float[] normal(Random rnd, int n, float magnitude) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian() * magnitude;
        return x;
    }

    private static float[] nan(int n) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, Float.NaN);
        return x;
    }
}
