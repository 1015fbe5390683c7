package rrcm.tensor;

import rrcm.backend.DType;
import rrcm.backend.ReduceOp;
import rrcm.backend.ScalarOp;

/** Sum, mean, max and log-sum-exp over a set of axes, with or without keeping them as size 1. */
final class Reductions {
    private Reductions() {}

    static int[] all(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) a[i] = i;
        return a;
    }

    /** The shape with reduced axes set to 1. */
    private static int[] kept(String op, int[] shape, int[] axes) {
        int[] keep = shape.clone();
        for (int a : axes) keep[Shape.axis(op, a, shape.length)] = 1;
        return keep;
    }

    private static int[] dropped(int[] shape, int[] keep, int[] axes, int rank) {
        boolean[] gone = new boolean[rank];
        for (int a : axes) gone[Shape.axis("reduce", a, rank)] = true;
        int n = 0;
        for (boolean g : gone) if (!g) n++;
        int[] out = new int[n];
        for (int i = 0, j = 0; i < rank; i++) if (!gone[i]) out[j++] = keep[i];
        return out;
    }

    private static Tensor reduce(String op, ReduceOp kind, Tensor x, int[] axes, boolean keepDim) {
        Ops.floats(op, x);
        int[] shape = x.shape();
        int[] keep = kept(op, shape, axes);
        Tensor out = Tensor.empty(x.backend(), DType.F32, keep);
        x.backend().reduce().reduce(kind, x.storage(), shape, out.storage(), keep);
        return keepDim ? out : out.view(dropped(shape, keep, axes, shape.length));
    }

    /** Broadcasts a reduced gradient back over the reduced axes. */
    private static Tensor spread(Tensor g, int[] keep, int[] shape) {
        return g.view(keep).expand(shape);
    }

    static Tensor sum(Tensor x, int[] axes, boolean keepDim) {
        Tensor out = reduce("sum", ReduceOp.SUM, x, axes, keepDim);
        int[] shape = x.shape(), keep = kept("sum", shape, axes);
        return Autograd.record("sum", out, g -> new Tensor[] {spread(g, keep, shape)}, x);
    }

    static Tensor mean(Tensor x, int[] axes, boolean keepDim) {
        Tensor out = reduce("mean", ReduceOp.MEAN, x, axes, keepDim);
        int[] shape = x.shape(), keep = kept("mean", shape, axes);
        float count = (float) Shape.numel(shape) / Shape.numel(keep);
        return Autograd.record("mean", out, g -> new Tensor[] {spread(g.div(count), keep, shape)}, x);
    }

    /** Gradient split equally among the positions that attain the maximum (torch.amax). */
    static Tensor max(Tensor x, int[] axes, boolean keepDim) {
        Tensor out = reduce("max", ReduceOp.MAX, x, axes, keepDim);
        int[] shape = x.shape(), keep = kept("max", shape, axes);
        return Autograd.record("max", out, g -> {
            Tensor hits = x.eq(out.view(keep));
            Tensor count = reduce("max", ReduceOp.SUM, hits, axes, true);
            return new Tensor[] {hits.mul(g.view(keep).div(count))};
        }, x);
    }

    /** log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the (constant) maximum. */
    static Tensor logSumExp(Tensor x, int[] axes, boolean keepDim) {
        Tensor m;
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            m = reduce("logSumExp", ReduceOp.MAX, x, axes, true);
            // An infinite maximum would give inf - inf; a finite shift keeps rows of -inf at -inf.
            m = Pointwise.scalar("logSumExp", ScalarOp.MIN,
                    Pointwise.scalar("logSumExp", ScalarOp.MAX, m, -Float.MAX_VALUE), Float.MAX_VALUE);
        }
        Tensor out = x.sub(m).exp().sum(axes, true).log().add(m);
        if (keepDim) return out;
        int[] shape = x.shape();
        return Layout.reshape(out, dropped(shape, kept("logSumExp", shape, axes), axes, shape.length));
    }
}
