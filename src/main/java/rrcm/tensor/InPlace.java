package rrcm.tensor;

import rrcm.backend.BinaryOp;
import rrcm.backend.ScalarOp;
import rrcm.backend.Storage;

/**
 * Updates that overwrite a tensor's values: what optimizers, EMA targets and checkpoint loading need.
 * They bypass autograd, so they are for leaves (parameters, optimizer state, running statistics), never
 * for tensors a recorded graph still needs.
 */
public final class InPlace {
    private InPlace() {}

    private static void same(String op, Tensor a, Tensor b) {
        Ops.floatsOnOneBackend(op, a, b);
        if (!Shape.same(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " differ");
        }
    }

    /** dst = src. */
    public static void copy(Tensor dst, Tensor src) {
        if (dst.dtype() != src.dtype()) throw new IllegalArgumentException("copy: " + src.dtype() + " into " + dst.dtype());
        Ops.sameBackend("copy", dst, src);
        if (!Shape.same(dst.shape(), src.shape())) {
            throw new IllegalArgumentException("copy: shapes " + Shape.str(src.shape()) + " into " + Shape.str(dst.shape()));
        }
        dst.backend().copy(src.storage(), 0, dst.storage(), 0, dst.numel());
    }

    /** Writes host values into the tensor (checkpoint loading). */
    public static void set(Tensor dst, float[] values) {
        if (values.length != dst.numel()) {
            throw new IllegalArgumentException("set: " + values.length + " values for shape " + Shape.str(dst.shape()));
        }
        try (MemoryScope s = MemoryScope.open()) {
            copy(dst, Tensor.of(dst.backend(), values, dst.shape()));
        }
    }

    public static void fill(Tensor t, float value) {
        t.backend().fill(t.storage(), value);
    }

    /** y = a * y + b * x. */
    /** {@link #axpby} on pairs (y[i], x[i]) in one backend call (one launch on a device), all on one backend. */
    public static void axpbyAll(java.util.List<Tensor> y, java.util.List<Tensor> x, float a, float b) {
        int n = y.size();
        if (n != x.size()) throw new IllegalArgumentException("axpby: " + n + " targets but " + x.size() + " sources");
        if (n == 0) return;
        Storage[] ys = new Storage[n], xs = new Storage[n];
        for (int i = 0; i < n; i++) {
            same("axpby", y.get(i), x.get(i));
            Ops.sameBackend("axpby", y.get(0), y.get(i));
            ys[i] = y.get(i).storage();
            xs[i] = x.get(i).storage();
        }
        y.get(0).backend().updates().axpbyAll(ys, xs, a, b);
    }

    public static void axpby(Tensor y, Tensor x, float a, float b) {
        same("axpby", y, x);
        y.backend().updates().axpby(y.storage(), x.storage(), a, b);
    }

    /** t *= s for a single-element tensor s that stays on the backend (gradient clipping). */
    public static void scale(Tensor t, Tensor s) {
        Ops.floatsOnOneBackend("scale", t, s);
        if (s.numel() != 1) throw new IllegalArgumentException("scale: the factor must have one element, got " + Shape.str(s.shape()));
        int[] shape = t.shape();
        t.backend().elementwise().binary(BinaryOp.MUL, t.storage(), shape, s.storage(), new int[0], t.storage(), shape);
    }

    /** t = min(t, s) elementwise with a host scalar. */
    public static void clampMax(Tensor t, float s) {
        t.backend().elementwise().scalar(ScalarOp.MIN, t.storage(), s, t.storage());
    }

    /** One AdamW step (see {@link rrcm.backend.UpdateOps#adamw}); p, g, m and v share one shape. */
    /**
     * {@link #adamw} on every tensor of a list, in one backend call (one launch on a device): p[i] with
     * learning rate lr * lrScale[i] and weight decay weightDecay[i], all on one backend.
     */
    public static void adamwAll(java.util.List<Tensor> p, java.util.List<Tensor> g, java.util.List<Tensor> m,
                                java.util.List<Tensor> v, float lr, float[] lrScale, float[] weightDecay, float beta1, float beta2,
                                float eps, int step) {
        int n = p.size();
        if (n == 0) return;
        Storage[] ps = new Storage[n], gs = new Storage[n], ms = new Storage[n], vs = new Storage[n];
        for (int i = 0; i < n; i++) {
            same("adamw", p.get(i), g.get(i));
            same("adamw", p.get(i), m.get(i));
            same("adamw", p.get(i), v.get(i));
            Ops.sameBackend("adamw", p.get(0), p.get(i));
            ps[i] = p.get(i).storage();
            gs[i] = g.get(i).storage();
            ms[i] = m.get(i).storage();
            vs[i] = v.get(i).storage();
        }
        float bias1 = (float) (1 - Math.pow(beta1, step)), bias2 = (float) (1 - Math.pow(beta2, step));
        p.get(0).backend().updates().adamwAll(ps, gs, ms, vs, lr, lrScale, weightDecay, beta1, beta2, eps, bias1, bias2);
    }

    public static void adamw(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                             float weightDecay, int step) {
        same("adamw", p, g);
        same("adamw", p, m);
        same("adamw", p, v);
        float bias1 = (float) (1 - Math.pow(beta1, step)), bias2 = (float) (1 - Math.pow(beta2, step));
        p.backend().updates().adamw(p.storage(), g.storage(), m.storage(), v.storage(), lr, beta1, beta2, eps, weightDecay,
                bias1, bias2);
    }
}
