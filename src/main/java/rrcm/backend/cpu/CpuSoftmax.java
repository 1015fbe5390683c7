package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax over rows. Two passes over each row: max, then exp and sum written to the
 * output in one sweep (the row is still in L1 for the final scaling).
 */
final class CpuSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CpuSoftmax() {}

    static void forward(Parallel par, float[] x, float[] y, int rows, int cols, boolean log) {
        par.forRange(rows, 3L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                float max = max(x, off, cols);
                // exp(x - max) into y while summing
                FloatVector vmax = FloatVector.broadcast(S, max);
                FloatVector vsum = FloatVector.zero(S);
                int i = 0;
                for (int bound = S.loopBound(cols); i < bound; i += L) {
                    FloatVector e = CpuMath.exp(FloatVector.fromArray(S, x, off + i).sub(vmax));
                    vsum = vsum.add(e);
                    if (!log) e.intoArray(y, off + i);
                }
                float sum = CpuMath.sumLanes(vsum);
                for (; i < cols; i++) {
                    float e = CpuMath.exp(x[off + i] - max);
                    sum += e;
                    if (!log) y[off + i] = e;
                }
                if (log) {
                    float shift = max + (float) Math.log(sum);
                    scaleOrShift(x, y, off, cols, shift, false);
                } else {
                    scaleOrShift(y, y, off, cols, 1f / sum, true);
                }
            }
        });
    }

    static void backward(Parallel par, float[] y, float[] gy, float[] gx, int rows, int cols, boolean log) {
        par.forRange(rows, 3L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                int i = 0;
                FloatVector acc = FloatVector.zero(S);
                int bound = S.loopBound(cols);
                for (; i < bound; i += L) {
                    FloatVector g = FloatVector.fromArray(S, gy, off + i);
                    acc = log ? acc.add(g) : g.fma(FloatVector.fromArray(S, y, off + i), acc);
                }
                float dot = CpuMath.sumLanes(acc);
                for (; i < cols; i++) dot += log ? gy[off + i] : gy[off + i] * y[off + i];
                FloatVector vd = FloatVector.broadcast(S, dot);
                for (i = 0; i < bound; i += L) {
                    FloatVector g = FloatVector.fromArray(S, gy, off + i);
                    FloatVector yy = FloatVector.fromArray(S, y, off + i);
                    FloatVector out = log ? g.sub(CpuMath.exp(yy).mul(vd)) : yy.mul(g.sub(vd));
                    out.intoArray(gx, off + i);
                }
                for (; i < cols; i++) {
                    gx[off + i] = log ? gy[off + i] - CpuMath.exp(y[off + i]) * dot : y[off + i] * (gy[off + i] - dot);
                }
            }
        });
    }

    static float max(float[] x, int off, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector v = FloatVector.fromArray(S, x, off);
            for (i = L; i <= n - L; i += L) v = v.max(FloatVector.fromArray(S, x, off + i));
            m = v.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    /** dst = src * s (multiply) or src - s. */
    private static void scaleOrShift(float[] src, float[] dst, int off, int n, float s, boolean multiply) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, src, off + i);
            (multiply ? v.mul(vs) : v.sub(vs)).intoArray(dst, off + i);
        }
        for (; i < n; i++) dst[off + i] = multiply ? src[off + i] * s : src[off + i] - s;
    }
}
