package rrcm.tensor;

import rrcm.backend.Backend;
import rrcm.backend.DType;

/** Softmax, LayerNorm, BatchNorm1d and L2 normalization, each a fused primitive with its own backward. */
public final class Normalization {
    private Normalization() {}

    static Tensor softmax(Tensor x, boolean log) {
        String name = log ? "log_softmax" : "softmax";
        Ops.floats(name, x);
        int[] s = x.shape();
        if (s.length == 0) throw new IllegalArgumentException(name + ": needs at least one axis");
        int cols = s[s.length - 1], rows = x.numel() / cols;
        Backend be = x.backend();
        Tensor y = Tensor.emptyLike(x);
        be.norm().softmax(x.storage(), y.storage(), rows, cols, log);
        return Autograd.record(name, y, g -> {
            Tensor gx = Tensor.emptyLike(x);
            be.norm().softmaxBackward(y.storage(), g.storage(), gx.storage(), rows, cols, log);
            return new Tensor[] {gx};
        }, x);
    }

    /** LayerNorm over the last axis; weight and bias (last-axis size) may be null. */
    static Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) {
        Ops.floatsOnOneBackend("layer_norm", x, w, b);
        int[] s = x.shape();
        int cols = s[s.length - 1], rows = x.numel() / cols;
        for (Tensor p : new Tensor[] {w, b}) {
            if (p != null && (p.rank() != 1 || p.numel() != cols)) {
                throw new IllegalArgumentException("layer_norm: weight and bias must have shape (" + cols + ",), got "
                        + Shape.str(p.shape()) + " for input " + Shape.str(s));
            }
        }
        Backend be = x.backend();
        Tensor y = Tensor.emptyLike(x);
        Tensor mean = Tensor.empty(be, DType.F32, new int[] {rows});
        Tensor rstd = Tensor.empty(be, DType.F32, new int[] {rows});
        be.norm().layerNorm(x.storage(), w == null ? null : w.storage(), b == null ? null : b.storage(), eps, y.storage(),
                mean.storage(), rstd.storage(), rows, cols);
        return Autograd.record("layer_norm", y, g -> {
            Tensor gx = Tensor.emptyLike(x);
            Tensor gw = w != null && w.requiresGrad() ? Tensor.emptyLike(w) : null;
            Tensor gb = b != null && b.requiresGrad() ? Tensor.emptyLike(b) : null;
            be.norm().layerNormBackward(x.storage(), w == null ? null : w.storage(), mean.storage(), rstd.storage(),
                    g.storage(), gx.storage(), gw == null ? null : gw.storage(), gb == null ? null : gb.storage(),
                    rows, cols);
            return new Tensor[] {gx, gw, gb};
        }, x, w, b);
    }

    /**
     * BatchNorm1d over x (n, c). Training: batch statistics, and the running statistics (when given)
     * updated in place; evaluation: the running statistics. weight and bias may be null.
     */
    public static Tensor batchNorm1d(Tensor x, Tensor w, Tensor b, Tensor runningMean, Tensor runningVar,
                                     boolean training, float momentum, float eps) {
        Ops.floatsOnOneBackend("batch_norm_1d", x, w, b, runningMean, runningVar);
        int[] s = x.shape();
        if (s.length != 2) throw new IllegalArgumentException("batch_norm_1d: expected input (n, c), got " + Shape.str(s));
        int n = s[0], c = s[1];
        for (Tensor p : new Tensor[] {w, b, runningMean, runningVar}) {
            if (p != null && (p.rank() != 1 || p.numel() != c)) {
                throw new IllegalArgumentException("batch_norm_1d: parameters and running statistics must have shape ("
                        + c + ",), got " + Shape.str(p.shape()));
            }
        }
        Backend be = x.backend();
        Tensor y = Tensor.emptyLike(x);
        if (!training) {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batch_norm_1d: evaluation mode needs running statistics");
            }
            be.norm().batchNormEval(x.storage(), st(w), st(b), eps, runningMean.storage(), runningVar.storage(), y.storage(), n, c);
            return Autograd.record("batch_norm_1d_eval", y, g -> {
                // y = (x - mean) * w / sqrt(var + eps) + b with constant running statistics
                Tensor invstd = runningVar.add(eps).sqrt().pow(-1f);
                Tensor xhat = x.sub(runningMean).mul(invstd);
                Tensor scale = w == null ? invstd : invstd.mul(w);
                return new Tensor[] {g.mul(scale),
                    w != null && w.requiresGrad() ? g.mul(xhat).sum(0, false) : null,
                    b != null && b.requiresGrad() ? g.sum(0, false) : null};
            }, x, w, b);
        }
        if (n < 2) {
            throw new IllegalArgumentException("batch_norm_1d: training needs more than one sample per channel, got input "
                    + Shape.str(s));
        }
        Tensor mean = Tensor.empty(be, DType.F32, new int[] {c});
        Tensor invstd = Tensor.empty(be, DType.F32, new int[] {c});
        be.norm().batchNormTrain(x.storage(), st(w), st(b), eps, momentum, st(runningMean), st(runningVar), y.storage(),
                mean.storage(), invstd.storage(), n, c);
        return Autograd.record("batch_norm_1d", y, g -> {
            Tensor gx = Tensor.emptyLike(x);
            Tensor gw = w != null && w.requiresGrad() ? Tensor.emptyLike(w) : null;
            Tensor gb = b != null && b.requiresGrad() ? Tensor.emptyLike(b) : null;
            be.norm().batchNormBackward(x.storage(), st(w), mean.storage(), invstd.storage(), g.storage(), gx.storage(),
                    st(gw), st(gb), n, c);
            return new Tensor[] {gx, gw, gb};
        }, x, w, b);
    }

    private static rrcm.backend.Storage st(Tensor t) {
        return t == null ? null : t.storage();
    }

    /** y = x / max(||x||, eps) along the axis (torch.nn.functional.normalize with p = 2). */
    static Tensor l2Normalize(Tensor x, int axis, float eps) {
        Ops.floats("l2_normalize", x);
        int a = Shape.axis("l2_normalize", axis, x.rank());
        Tensor norm, denom, y;
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            norm = x.mul(x).sum(a, true).sqrt();
            denom = norm.clampMin(eps);
            y = x.div(denom);
        }
        Tensor out = y;
        return Autograd.record("l2_normalize", out, g -> {
            // Where the norm exceeds eps: (g - y <y, g>) / ||x||; elsewhere the denominator is the constant eps.
            Tensor radial = out.mul(g).sum(a, true).mul(norm.gt(Tensor.full(x.backend(), eps)));
            return new Tensor[] {g.sub(out.mul(radial)).div(denom)};
        }, x);
    }
}
