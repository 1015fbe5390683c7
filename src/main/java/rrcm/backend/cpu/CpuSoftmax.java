package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax over rows: the row's maximum, then e^(x - max) written out and summed in the
 * same sweep, then one scaling sweep while the row is still in L1. Memory sees one read and one write per element.
 */
final class CpuSoftmax {
    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();

    private CpuSoftmax() {}

    static void forward(Parallel par, float[] x, float[] y, int rows, int cols, boolean log) {
        par.forRange(rows, 3L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                float max = max(x, off, cols);
                float sum = CpuMath.expSum(x, off, max, y, off, cols);
                // softmax: y / sum; log-softmax: x - (max + log sum)
                float shift = max + (float) Math.log(sum), scale = 1f / sum;
                int i = 0;
                for (int bound = S.loopBound(cols); i < bound; i += L) {
                    FloatVector v = log ? FloatVector.fromArray(S, x, off + i).sub(shift) : FloatVector.fromArray(S, y, off + i).mul(scale);
                    v.intoArray(y, off + i);
                }
                if (i < cols) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector v = log ? FloatVector.fromArray(S, x, off + i, m).sub(shift)
                            : FloatVector.fromArray(S, y, off + i, m).mul(scale);
                    v.intoArray(y, off + i, m);
                }
            }
        });
    }

    /** softmax: gx = y (gy - sum(gy y)); log-softmax: gx = gy - e^y sum(gy). gx may be gy. */
    static void backward(Parallel par, float[] y, float[] gy, float[] gx, int rows, int cols, boolean log) {
        par.forRange(rows, 3L * cols, (r0, r1) -> {
            float[] probs = log ? new float[cols] : null;
            int bound = S.loopBound(cols);
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                FloatVector acc = FloatVector.zero(S);
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector g = FloatVector.fromArray(S, gy, off + i);
                    acc = log ? acc.add(g) : g.fma(FloatVector.fromArray(S, y, off + i), acc);
                }
                if (i < cols) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector g = FloatVector.fromArray(S, gy, off + i, m);
                    acc = log ? acc.add(g) : g.fma(FloatVector.fromArray(S, y, off + i, m), acc);
                }
                FloatVector dot = FloatVector.broadcast(S, CpuMath.sumLanes(acc));
                if (log) CpuMath.exp(y, off, 0f, probs, 0, cols);
                for (i = 0; i < bound; i += L) {
                    FloatVector g = FloatVector.fromArray(S, gy, off + i);
                    FloatVector out = log ? g.sub(FloatVector.fromArray(S, probs, i).mul(dot))
                            : FloatVector.fromArray(S, y, off + i).mul(g.sub(dot));
                    out.intoArray(gx, off + i);
                }
                if (i < cols) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector g = FloatVector.fromArray(S, gy, off + i, m);
                    FloatVector out = log ? g.sub(FloatVector.fromArray(S, probs, i, m).mul(dot))
                            : FloatVector.fromArray(S, y, off + i, m).mul(g.sub(dot));
                    out.intoArray(gx, off + i, m);
                }
            }
        });
    }

    static float max(float[] x, int off, int n) {
        // compare and blend rather than max (see CpuMath.expSum); a NaN is skipped here and turns the
        // row's sum, hence every output of the row, into NaN. Two running maxima hide the blend's latency.
        FloatVector v = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), w = v;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(S, x, off + i), b = FloatVector.fromArray(S, x, off + i + L);
            v = v.blend(a, a.compare(VectorOperators.GT, v));
            w = w.blend(b, b.compare(VectorOperators.GT, w));
        }
        v = v.blend(w, w.compare(VectorOperators.GT, v));
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector u = FloatVector.fromArray(S, x, off + i, m);
            v = v.blend(u, u.compare(VectorOperators.GT, v, m));
        }
        return v.reduceLanes(VectorOperators.MAX);
    }
}
