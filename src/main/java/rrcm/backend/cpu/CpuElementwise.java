package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.BinaryOp;
import rrcm.backend.ScalarOp;
import rrcm.backend.UnaryOp;

/**
 * Elementwise primitives. Each op is written twice, as a vector lane function and as a scalar tail
 * function, with the same formula. The op switch sits inside small methods that C2 inlines into the
 * loop, so every Vector API operator stays a compile-time constant and is intrinsified.
 */
final class CpuElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CpuElementwise() {}

    // ---- unary -----------------------------------------------------------------------------------

    static void unary(Parallel par, UnaryOp op, float[] x, float[] out) {
        // log and tanh stay scalar: java.lang.Math's versions give the same bits in every JIT state
        // (see CpuMath), and neither is on a hot path of the model
        boolean vector = op != UnaryOp.LOG && op != UnaryOp.TANH;
        par.forRange(x.length, 4, (from, to) -> {
            int i = from;
            for (int bound = vector ? from + S.loopBound(to - from) : from; i < bound; i += L) {
                unary(op, FloatVector.fromArray(S, x, i)).intoArray(out, i);
            }
            for (; i < to; i++) out[i] = unary(op, x[i]);
        });
    }

    private static FloatVector unary(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case EXP -> CpuMath.exp(x);
            case SQRT -> x.sqrt();
            case RELU -> x.max(0f);
            case GELU -> x.mul(CpuMath.phi(S, x));
            case SIGMOID -> FloatVector.broadcast(S, 1f).div(CpuMath.exp(x.neg()).add(1f));
            case LOG, TANH -> throw new IllegalStateException(op + " has no vector form");
            case ABS -> x.abs();
        };
    }

    static float unary(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> CpuMath.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RELU -> Math.max(x, 0f);
            case GELU -> CpuMath.gelu(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> 1f / (CpuMath.exp(-x) + 1f);
            case ABS -> Math.abs(x);
        };
    }

    /** gx = gy * f'; {@code t} is y for ops whose derivative is written through the output, x otherwise. */
    static void unaryBackward(Parallel par, UnaryOp op, float[] t, float[] gy, float[] gx) {
        par.forRange(gy.length, 4, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector g = FloatVector.fromArray(S, gy, i);
                FloatVector v = FloatVector.fromArray(S, t, i);
                g.mul(derivative(op, v)).intoArray(gx, i);
            }
            for (; i < to; i++) gx[i] = gy[i] * derivative(op, t[i]);
        });
    }

    private static FloatVector derivative(UnaryOp op, FloatVector t) {
        return switch (op) {
            case NEG -> FloatVector.broadcast(S, -1f);
            case EXP -> t;
            case LOG -> FloatVector.broadcast(S, 1f).div(t);
            case SQRT -> FloatVector.broadcast(S, 0.5f).div(t);
            case RELU -> FloatVector.broadcast(S, 0f).blend(1f, t.compare(VectorOperators.GT, 0f));
            case GELU -> CpuMath.phi(S, t).add(t.mul(CpuMath.density(t)));
            case TANH -> t.mul(t).neg().add(1f);
            case SIGMOID -> t.mul(t.neg().add(1f));
            case ABS -> FloatVector.broadcast(S, 0f).blend(1f, t.compare(VectorOperators.GT, 0f))
                    .blend(-1f, t.compare(VectorOperators.LT, 0f));
        };
    }

    private static float derivative(UnaryOp op, float t) {
        return switch (op) {
            case NEG -> -1f;
            case EXP -> t;
            case LOG -> 1f / t;
            case SQRT -> 0.5f / t;
            case RELU -> t > 0f ? 1f : 0f;
            case GELU -> CpuMath.geluGrad(t);
            case TANH -> 1f - t * t;
            case SIGMOID -> t * (1f - t);
            case ABS -> Math.signum(t);
        };
    }

    // ---- with a scalar ---------------------------------------------------------------------------

    static void scalar(Parallel par, ScalarOp op, float[] x, float s, float[] out) {
        // a general power stays scalar, for the reason log does (see unary)
        boolean vector = op != ScalarOp.POW || s == 2f || s == 0.5f;
        par.forRange(x.length, 2, (from, to) -> {
            int i = from;
            FloatVector vs = FloatVector.broadcast(S, s);
            for (int bound = vector ? from + S.loopBound(to - from) : from; i < bound; i += L) {
                scalar(op, FloatVector.fromArray(S, x, i), vs, s).intoArray(out, i);
            }
            for (; i < to; i++) out[i] = scalar(op, x[i], s);
        });
    }

    private static FloatVector scalar(ScalarOp op, FloatVector x, FloatVector vs, float s) {
        return switch (op) {
            case ADD -> x.add(vs);
            case MUL -> x.mul(vs);
            case DIV -> x.div(vs);
            case RSUB -> vs.sub(x);
            case RDIV -> vs.div(x);
            case POW -> s == 2f ? x.mul(x) : x.sqrt();
            case MAX -> x.max(vs);
            case MIN -> x.min(vs);
        };
    }

    private static float scalar(ScalarOp op, float x, float s) {
        return switch (op) {
            case ADD -> x + s;
            case MUL -> x * s;
            case DIV -> x / s;
            case RSUB -> s - x;
            case RDIV -> s / x;
            case POW -> s == 2f ? x * x : s == 0.5f ? (float) Math.sqrt(x) : (float) Math.pow(x, s);
            case MAX -> Math.max(x, s);
            case MIN -> Math.min(x, s);
        };
    }

    // ---- binary with broadcasting ----------------------------------------------------------------

    /**
     * The output is walked as rows of its last merged dimension; in each row a and b advance with
     * stride 1 or 0 (broadcast), so bias rows, per-row scalars and equal shapes all hit a vector loop.
     */
    static void binary(Parallel par, BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape,
                       float[] out, int[] outShape) {
        Broadcast plan = Broadcast.of(aShape, bShape, outShape);
        int inner = plan.inner();
        int rows = plan.rows();
        int sa = plan.innerStrideA(), sb = plan.innerStrideB();
        par.forRange(rows, inner, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ao = plan.offsetA(r), bo = plan.offsetB(r), oo = r * inner;
                row(op, a, ao, sa, b, bo, sb, out, oo, inner);
            }
        });
    }

    static void expand(Parallel par, float[] src, int[] srcShape, float[] dst, int[] dstShape) {
        Broadcast plan = Broadcast.of(srcShape, dstShape, dstShape);
        int inner = plan.inner();
        par.forRange(plan.rows(), inner, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int so = plan.offsetA(r), oo = r * inner;
                if (plan.innerStrideA() == 1) System.arraycopy(src, so, dst, oo, inner);
                else java.util.Arrays.fill(dst, oo, oo + inner, src[so]);
            }
        });
    }

    private static void row(BinaryOp op, float[] a, int ao, int sa, float[] b, int bo, int sb,
                            float[] out, int oo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; i < bound; i += L) {
                binary(op, FloatVector.fromArray(S, a, ao + i), FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            }
        } else if (sa == 1) {
            FloatVector vb = FloatVector.broadcast(S, b[bo]);
            for (; i < bound; i += L) binary(op, FloatVector.fromArray(S, a, ao + i), vb).intoArray(out, oo + i);
        } else if (sb == 1) {
            FloatVector va = FloatVector.broadcast(S, a[ao]);
            for (; i < bound; i += L) binary(op, va, FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        } else {
            float v = binary(op, a[ao], b[bo]);
            java.util.Arrays.fill(out, oo, oo + n, v);
            return;
        }
        for (; i < n; i++) out[oo + i] = binary(op, a[ao + i * sa], b[bo + i * sb]);
    }

    private static FloatVector binary(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case EQ -> mask(a.compare(VectorOperators.EQ, b));
            case GT -> mask(a.compare(VectorOperators.GT, b));
        };
    }

    private static FloatVector mask(VectorMask<Float> m) {
        return FloatVector.broadcast(S, 0f).blend(1f, m);
    }

    static float binary(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
        };
    }
}
