package rrcm.backend;

/**
 * The family {@code updates}: in-place parameter updates, AdamW and the EMA's {@code y = a y + b x}, one
 * tensor at a time or a whole parameter list in one call. The list forms are defined as the calls one by
 * one (the same bits); a backend overrides them only to do the same in fewer launches.
 */
public abstract class UpdateOps<S extends Storage> extends Family<S> {
    protected UpdateOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /**
     * One AdamW step on a parameter p with gradient g and moments m, v (all of one size), PyTorch's rule:
     * p *= 1 - lr * weightDecay; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
     * p -= lr * (m / bias1) / (sqrt(v / bias2) + eps), where bias1 = 1 - b1^t and bias2 = 1 - b2^t.
     */
    public final void adamw(Storage p, Storage g, Storage m, Storage v, float lr, float beta1, float beta2, float eps,
                            float weightDecay, float bias1, float bias2) {
        String op = "adamw";
        S ps = f32(op, "parameter", p);
        int n = ps.numel();
        S gs = f32(op, "gradient", g, n), ms = f32(op, "first moment", m, n), vs = f32(op, "second moment", v, n);
        if (n > 0) doAdamw(ps, gs, ms, vs, lr, beta1, beta2, eps, weightDecay, bias1, bias2);
    }

    /**
     * {@link #adamw} on every tensor of a parameter list: tensor i with learning rate {@code lr * lrScale[i]}
     * (one float product) and weight decay weightDecay[i]. lrScale and weightDecay belong to the list and
     * seldom change (a device backend keeps them on the device, so that a step sends nothing but its
     * arguments).
     */
    public final void adamwAll(Storage[] p, Storage[] g, Storage[] m, Storage[] v, float lr, float[] lrScale,
                               float[] weightDecay, float beta1, float beta2, float eps, float bias1, float bias2) {
        String op = "adamw_all";
        int n = p.length;
        require(g.length == n && m.length == n && v.length == n && lrScale.length == n && weightDecay.length == n, op,
                n + " parameters but " + g.length + " gradients, " + m.length + " and " + v.length + " moments, "
                        + lrScale.length + " learning-rate scales and " + weightDecay.length + " weight decays");
        S[] ps = newArray(n), gs = newArray(n), ms = newArray(n), vs = newArray(n);
        for (int i = 0; i < n; i++) {
            ps[i] = f32(op, "parameter " + i, p[i]);
            int size = ps[i].numel();
            gs[i] = f32(op, "gradient of parameter " + i, g[i], size);
            ms[i] = f32(op, "first moment of parameter " + i, m[i], size);
            vs[i] = f32(op, "second moment of parameter " + i, v[i], size);
        }
        if (n > 0) doAdamwAll(ps, gs, ms, vs, lr, lrScale.clone(), weightDecay.clone(), beta1, beta2, eps, bias1, bias2);
    }

    /** y = a * y + b * x, in place; x may be y (an EMA update with a = mu, b = 1 - mu). */
    public final void axpby(Storage y, Storage x, float a, float b) {
        String op = "axpby";
        S ys = f32(op, "target", y);
        S xs = f32(op, "source", x, ys.numel());
        if (ys.numel() > 0) doAxpby(ys, xs, a, b);
    }

    /** {@link #axpby} on pairs of tensors (y[i], x[i]): the EMA of a whole network. */
    public final void axpbyAll(Storage[] y, Storage[] x, float a, float b) {
        String op = "axpby_all";
        require(y.length == x.length, op, y.length + " targets but " + x.length + " sources");
        S[] ys = newArray(y.length), xs = newArray(x.length);
        for (int i = 0; i < y.length; i++) {
            ys[i] = f32(op, "target " + i, y[i]);
            xs[i] = f32(op, "source " + i, x[i], ys[i].numel());
        }
        if (y.length > 0) doAxpbyAll(ys, xs, a, b);
    }

    protected abstract void doAdamw(S p, S g, S m, S v, float lr, float beta1, float beta2, float eps, float weightDecay,
                                    float bias1, float bias2);

    protected abstract void doAxpby(S y, S x, float a, float b);

    /** The calls one by one; a device backend does the same in one launch. */
    protected void doAdamwAll(S[] p, S[] g, S[] m, S[] v, float lr, float[] lrScale, float[] weightDecay, float beta1,
                              float beta2, float eps, float bias1, float bias2) {
        for (int i = 0; i < p.length; i++) {
            if (p[i].numel() > 0) doAdamw(p[i], g[i], m[i], v[i], lr * lrScale[i], beta1, beta2, eps, weightDecay[i], bias1, bias2);
        }
    }

    /** The calls one by one; a device backend does the same in one launch. */
    protected void doAxpbyAll(S[] y, S[] x, float a, float b) {
        for (int i = 0; i < y.length; i++) {
            if (y[i].numel() > 0) doAxpby(y[i], x[i], a, b);
        }
    }
}
