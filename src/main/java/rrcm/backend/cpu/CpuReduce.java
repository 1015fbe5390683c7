package rrcm.backend.cpu;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.ReduceOp;
import rrcm.backend.ReduceOps;
import rrcm.backend.ShapePlan;

/**
 * Reductions over any set of axes as the passes of {@link ShapePlan#reduction}: neighbouring reduced
 * axes merge, so most reductions are one (outer, reduced, inner) pass, rows when inner is 1 and
 * columns otherwise; several separate groups of reduced axes are reduced innermost group first. The
 * summation order depends only on the shape, never on the thread count, so results are reproducible.
 */
final class CpuReduce extends ReduceOps<CpuStorage> {
    private final Parallel par;

    CpuReduce(CpuBackend backend, Parallel par) {
        super(backend, CpuStorage.class);
        this.par = par;
    }

    @Override
    protected void doReduce(ReduceOp op, CpuStorage x, CpuStorage out, ShapePlan.Reduction plan) {
        reduce(par, op, x.floats(), out.floats(), plan);
    }

    @Override
    protected void doArgmax(CpuStorage src, int outer, int axis, int inner, CpuStorage dst) {
        argmax(par, src.floats(), outer, axis, inner, dst.ints());
    }

    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();
    /** A long single row is summed in blocks of this size, in parallel, and the blocks combined in order. */
    private static final int BLOCK = 1 << 14;


    static void reduce(Parallel par, ReduceOp op, float[] x, float[] out, ShapePlan.Reduction plan) {
        ReduceOp pass = op == ReduceOp.MEAN ? ReduceOp.SUM : op;
        float[] cur = x;
        List<int[]> passes = plan.passes();
        for (int p = 0; p < passes.size(); p++) {
            int[] oRI = passes.get(p);
            float[] dst = p == passes.size() - 1 ? out : new float[oRI[0] * oRI[2]];
            pass(par, pass, cur, oRI[0], oRI[1], oRI[2], dst);
            cur = dst;
        }
        if (passes.isEmpty()) System.arraycopy(x, 0, out, 0, out.length);
        if (op == ReduceOp.MEAN) {
            float c = plan.count();
            for (int i = 0; i < out.length; i++) out[i] /= c;
        }
    }

    /** out (outer, inner) = op over r of x (outer, red, inner). */
    static void pass(Parallel par, ReduceOp op, float[] x, int outer, int red, int inner, float[] out) {
        if (inner == 1) {
            if (outer == 1 && red > 2 * BLOCK && par.threads() > 1) {
                int blocks = (red + BLOCK - 1) / BLOCK;
                float[] partial = new float[blocks];
                par.forEach(blocks, blk -> {
                    int from = blk * BLOCK;
                    partial[blk] = row(op, x, from, Math.min(BLOCK, red - from));
                });
                out[0] = row(op, partial, 0, blocks);
                return;
            }
            par.forRange(outer, red, (o0, o1) -> {
                for (int o = o0; o < o1; o++) out[o] = row(op, x, o * red, red);
            });
            return;
        }
        // Columns: split the inner axis into vector-aligned chunks so that even outer == 1 runs in parallel.
        int chunk = Math.max(L, ((inner / Math.max(1, par.threads() * 2)) + L - 1) / L * L);
        int chunksPerOuter = (inner + chunk - 1) / chunk;
        par.forRange(outer * chunksPerOuter, (long) red * chunk, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int o = t / chunksPerOuter;
                int from = (t % chunksPerOuter) * chunk;
                int to = Math.min(inner, from + chunk);
                columns(op, x, o * red * inner, red, inner, from, to, out, o * inner);
            }
        });
    }

    /** The identity of the reduction, which also fills the lanes a masked tail leaves out. */
    private static float identity(ReduceOp op) {
        return op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Float.POSITIVE_INFINITY : 0f;
    }

    private static float row(ReduceOp op, float[] x, int off, int n) {
        float id = identity(op);
        FloatVector acc = FloatVector.broadcast(S, id);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, off + i, m).blend(id, m.not());
            acc = switch (op) {
                case MAX -> acc.max(v);
                case MIN -> acc.min(v);
                default -> acc.add(v);
            };
        }
        return op == ReduceOp.MAX ? acc.reduceLanes(VectorOperators.MAX)
                : op == ReduceOp.MIN ? acc.reduceLanes(VectorOperators.MIN) : CpuMath.sumLanes(acc);
    }

    private static void columns(ReduceOp op, float[] x, int base, int red, int inner, int from, int to,
                                float[] out, int outOff) {
        for (int j = from; j < to; j += L) {
            VectorMask<Float> m = S.indexInRange(j, to);
            FloatVector acc = FloatVector.fromArray(S, x, base + j, m);
            for (int r = 1; r < red; r++) {
                FloatVector v = FloatVector.fromArray(S, x, base + r * inner + j, m);
                acc = switch (op) {
                    case MAX -> acc.max(v);
                    case MIN -> acc.min(v);
                    default -> acc.add(v);
                };
            }
            acc.intoArray(out, outOff + j, m);
        }
    }

    /** dst (outer, inner) = the position of the largest value along the axis; the first one on ties, NaN wins. */
    static void argmax(Parallel par, float[] src, int outer, int axis, int inner, int[] dst) {
        par.forRange(outer * inner, axis, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int o = t / inner, i = t % inner;
                int base = o * axis * inner + i;
                int best = 0;
                float bestValue = src[base];
                for (int j = 1; j < axis && !Float.isNaN(bestValue); j++) {
                    float v = src[base + j * inner];
                    if (v > bestValue || Float.isNaN(v)) {
                        best = j;
                        bestValue = v;
                    }
                }
                dst[t] = best;
            }
        });
    }
}
