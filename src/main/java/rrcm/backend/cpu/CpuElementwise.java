package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.BinaryOp;
import rrcm.backend.ElementwiseOps;
import rrcm.backend.ScalarOp;
import rrcm.backend.ShapePlan;
import rrcm.backend.UnaryOp;

/**
 * Elementwise primitives. Each loop holds its vector arithmetic itself, with the op's switch inside
 * the loop body and only Vector API calls in it (see CpuMath for why: a helper of ours in a vector
 * loop may stay out of line and box every vector). Tails are masked vector operations, so an element
 * gets the same bits wherever it sits. The transcendental ops are CpuMath's range kernels; log, tanh
 * and general powers stay scalar, java.lang.Math's versions being identical in every JIT state.
 */
final class CpuElementwise extends ElementwiseOps<CpuStorage> {
    private final Parallel par;

    CpuElementwise(CpuBackend backend, Parallel par) {
        super(backend, CpuStorage.class);
        this.par = par;
    }

    @Override
    protected void doUnary(UnaryOp op, CpuStorage x, CpuStorage out) {
        unary(par, op, x.floats(), out.floats());
    }

    @Override
    protected void doUnaryBackward(UnaryOp op, CpuStorage t, CpuStorage gy, CpuStorage gx) {
        unaryBackward(par, op, t.floats(), gy.floats(), gx.floats());
    }

    @Override
    protected void doScalar(ScalarOp op, CpuStorage x, float s, CpuStorage out) {
        scalar(par, op, x.floats(), s, out.floats());
    }

    @Override
    protected void doBinary(BinaryOp op, CpuStorage a, CpuStorage b, CpuStorage out, ShapePlan.Broadcast plan) {
        binary(par, op, a.floats(), b.floats(), out.floats(), new Broadcast(plan));
    }

    @Override
    protected void doExpand(CpuStorage src, CpuStorage dst, ShapePlan.Broadcast plan) {
        expand(par, src.floats(), dst.floats(), new Broadcast(plan));
    }

    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();


    // ---- unary -----------------------------------------------------------------------------------

    static void unary(Parallel par, UnaryOp op, float[] x, float[] out) {
        par.forRange(x.length, 4, (from, to) -> {
            switch (op) {
                case EXP -> CpuMath.exp(x, from, 0f, out, from, to - from);
                case GELU -> CpuMath.gelu(x, out, from, to);
                case SIGMOID -> CpuMath.sigmoid(x, out, from, to);
                case LOG -> { for (int i = from; i < to; i++) out[i] = (float) Math.log(x[i]); }
                case TANH -> { for (int i = from; i < to; i++) out[i] = (float) Math.tanh(x[i]); }
                case NEG, SQRT, RELU, ABS -> simpleUnary(op, x, out, from, to);
            }
        });
    }

    private static void simpleUnary(UnaryOp op, float[] x, float[] out, int from, int to) {
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector v = FloatVector.fromArray(S, x, i, m);
            FloatVector r = switch (op) {
                case NEG -> v.neg();
                case SQRT -> v.sqrt();
                case RELU -> v.max(0f);
                default -> v.abs();
            };
            r.intoArray(out, i, m);
        }
    }

    /**
     * gx = gy * f'. The derivative is written through y = f(x) for exp, sqrt, tanh and sigmoid (no
     * recomputation of f) and through x otherwise; {@code t} is whichever the op uses.
     */
    static void unaryBackward(Parallel par, UnaryOp op, float[] t, float[] gy, float[] gx) {
        par.forRange(gy.length, 4, (from, to) -> {
            if (op == UnaryOp.GELU) {
                CpuMath.geluBackward(t, gy, gx, from, to);
                return;
            }
            for (int i = from; i < to; i += L) {
                VectorMask<Float> m = S.indexInRange(i, to);
                FloatVector v = FloatVector.fromArray(S, t, i, m);
                FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
                FloatVector d = switch (op) {
                    case NEG -> one.neg();
                    case EXP -> v;
                    case LOG -> one.div(v);
                    case SQRT -> FloatVector.broadcast(S, 0.5f).div(v);
                    case RELU -> zero.blend(one, v.compare(VectorOperators.GT, 0f));
                    case TANH -> one.sub(v.mul(v));
                    case SIGMOID -> v.mul(one.sub(v));
                    case ABS -> zero.blend(one, v.compare(VectorOperators.GT, 0f)).blend(one.neg(), v.compare(VectorOperators.LT, 0f));
                    case GELU -> throw new IllegalStateException("GELU is handled above");
                };
                FloatVector.fromArray(S, gy, i, m).mul(d).intoArray(gx, i, m);
            }
        });
    }

    // ---- with a scalar ---------------------------------------------------------------------------

    static void scalar(Parallel par, ScalarOp op, float[] x, float s, float[] out) {
        par.forRange(x.length, 2, (from, to) -> {
            if (op == ScalarOp.POW && s != 2f && s != 0.5f) {
                for (int i = from; i < to; i++) out[i] = (float) Math.pow(x[i], s);
                return;
            }
            FloatVector vs = FloatVector.broadcast(S, s);
            for (int i = from; i < to; i += L) {
                VectorMask<Float> m = S.indexInRange(i, to);
                FloatVector v = FloatVector.fromArray(S, x, i, m);
                FloatVector r = switch (op) {
                    case ADD -> v.add(vs);
                    case MUL -> v.mul(vs);
                    case DIV -> v.div(vs);
                    case RSUB -> vs.sub(v);
                    case RDIV -> vs.div(v);
                    case POW -> s == 2f ? v.mul(v) : v.sqrt();
                    case MAX -> v.max(vs);
                    case MIN -> v.min(vs);
                };
                r.intoArray(out, i, m);
            }
        });
    }

    // ---- binary with broadcasting ----------------------------------------------------------------

    /**
     * The output is walked as rows of its last merged dimension; in each row a and b advance with
     * stride 1 or 0 (broadcast), so bias rows, per-row scalars and equal shapes all hit a vector loop.
     */
    static void binary(Parallel par, BinaryOp op, float[] a, float[] b, float[] out, Broadcast plan) {
        int n = plan.inner();
        boolean aRuns = plan.innerStrideA() == 1, bRuns = plan.innerStrideB() == 1;
        par.forRange(plan.rows(), n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ao = plan.offsetA(r), bo = plan.offsetB(r), oo = r * n;
                FloatVector ca = FloatVector.broadcast(S, a[ao]), cb = FloatVector.broadcast(S, b[bo]);
                for (int i = 0; i < n; i += L) {
                    VectorMask<Float> m = S.indexInRange(i, n);
                    FloatVector va = aRuns ? FloatVector.fromArray(S, a, ao + i, m) : ca;
                    FloatVector vb = bRuns ? FloatVector.fromArray(S, b, bo + i, m) : cb;
                    FloatVector v = switch (op) {
                        case ADD -> va.add(vb);
                        case SUB -> va.sub(vb);
                        case MUL -> va.mul(vb);
                        case DIV -> va.div(vb);
                        case MAX -> va.max(vb);
                        case MIN -> va.min(vb);
                        case EQ -> FloatVector.zero(S).blend(1f, va.compare(VectorOperators.EQ, vb));
                        case GT -> FloatVector.zero(S).blend(1f, va.compare(VectorOperators.GT, vb));
                    };
                    v.intoArray(out, oo + i, m);
                }
            }
        });
    }

    static void expand(Parallel par, float[] src, float[] dst, Broadcast plan) {
        int inner = plan.inner();
        par.forRange(plan.rows(), inner, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int so = plan.offsetA(r), oo = r * inner;
                if (plan.innerStrideA() == 1) System.arraycopy(src, so, dst, oo, inner);
                else java.util.Arrays.fill(dst, oo, oo + inner, src[so]);
            }
        });
    }
}
