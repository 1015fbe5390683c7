package rrcm.backend;

/**
 * The family {@code norm}: softmax and layer normalization over the last axis of a (rows, cols) view, and
 * batch normalization of (n, c) over its rows. Optional parameters (weight, bias, their gradients, the
 * running statistics) may be null.
 */
public abstract class NormOps<S extends Storage> extends Family<S> {
    protected NormOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /** y = softmax(x) per row, or log-softmax when {@code log}. */
    public final void softmax(Storage x, Storage y, int rows, int cols, boolean log) {
        String op = log ? "log_softmax" : "softmax";
        long n = count(op, "size", rows, cols);
        S xs = f32(op, "input", x, n), ys = f32(op, "output", y, n);
        if (n > 0) doSoftmax(xs, ys, rows, cols, log);
    }

    /** softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy). */
    public final void softmaxBackward(Storage y, Storage gy, Storage gx, int rows, int cols, boolean log) {
        String op = log ? "log_softmax_backward" : "softmax_backward";
        long n = count(op, "size", rows, cols);
        S ys = f32(op, "output", y, n), gys = f32(op, "output gradient", gy, n), gxs = f32(op, "input gradient", gx, n);
        if (n > 0) doSoftmaxBackward(ys, gys, gxs, rows, cols, log);
    }

    /** y = (x - mean) * rstd * w + b per row; mean and rstd (rows) are saved for the backward. */
    public final void layerNorm(Storage x, Storage w, Storage b, float eps, Storage y, Storage mean, Storage rstd, int rows,
                                int cols) {
        String op = "layer_norm";
        long n = count(op, "size", rows, cols);
        S xs = f32(op, "input", x, n), ws = f32OrNull(op, "weight", w, cols), bs = f32OrNull(op, "bias", b, cols);
        S ys = f32(op, "output", y, n), ms = f32(op, "mean", mean, rows), rs = f32(op, "rstd", rstd, rows);
        if (rows > 0) doLayerNorm(xs, ws, bs, eps, ys, ms, rs, rows, cols);
    }

    /** Writes gx, and gw and gb (cols) unless they are null. */
    public final void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage gy, Storage gx, Storage gw,
                                        Storage gb, int rows, int cols) {
        String op = "layer_norm_backward";
        long n = count(op, "size", rows, cols);
        S xs = f32(op, "input", x, n), ws = f32OrNull(op, "weight", w, cols);
        S ms = f32(op, "mean", mean, rows), rs = f32(op, "rstd", rstd, rows);
        S gys = f32(op, "output gradient", gy, n), gxs = f32(op, "input gradient", gx, n);
        S gws = f32OrNull(op, "weight gradient", gw, cols), gbs = f32OrNull(op, "bias gradient", gb, cols);
        if (cols > 0) doLayerNormBackward(xs, ws, ms, rs, gys, gxs, gws, gbs, rows, cols);
    }

    /**
     * Batch normalization of x (n, c) with the statistics of the batch (biased variance); saves mean and
     * invstd (c) and updates the running statistics in place with PyTorch's rule (unbiased variance,
     * {@code r = (1 - momentum) * r + momentum * batch}); the running mean and variance come together or not
     * at all.
     */
    public final void batchNormTrain(Storage x, Storage w, Storage b, float eps, float momentum, Storage runningMean,
                                     Storage runningVar, Storage y, Storage mean, Storage invstd, int n, int c) {
        String op = "batch_norm";
        long numel = count(op, "size", n, c);
        require(n >= 1, op, "batch statistics need at least one row, got " + n);
        require((runningMean == null) == (runningVar == null), op, "the running mean and variance come together");
        S xs = f32(op, "input", x, numel), ws = f32OrNull(op, "weight", w, c), bs = f32OrNull(op, "bias", b, c);
        S rm = f32OrNull(op, "running mean", runningMean, c), rv = f32OrNull(op, "running variance", runningVar, c);
        S ys = f32(op, "output", y, numel), ms = f32(op, "mean", mean, c), is = f32(op, "invstd", invstd, c);
        if (c > 0) doBatchNormTrain(xs, ws, bs, eps, momentum, rm, rv, ys, ms, is, n, c);
    }

    /** Batch normalization of x (n, c) with the running statistics. */
    public final void batchNormEval(Storage x, Storage w, Storage b, float eps, Storage runningMean, Storage runningVar,
                                    Storage y, int n, int c) {
        String op = "batch_norm";
        long numel = count(op, "size", n, c);
        S xs = f32(op, "input", x, numel), ws = f32OrNull(op, "weight", w, c), bs = f32OrNull(op, "bias", b, c);
        S rm = f32(op, "running mean", runningMean, c), rv = f32(op, "running variance", runningVar, c);
        S ys = f32(op, "output", y, numel);
        if (numel > 0) doBatchNormEval(xs, ws, bs, eps, rm, rv, ys, n, c);
    }

    /** The backward of {@link #batchNormTrain}; gw and gb may be null. */
    public final void batchNormBackward(Storage x, Storage w, Storage mean, Storage invstd, Storage gy, Storage gx, Storage gw,
                                        Storage gb, int n, int c) {
        String op = "batch_norm_backward";
        long numel = count(op, "size", n, c);
        S xs = f32(op, "input", x, numel), ws = f32OrNull(op, "weight", w, c);
        S ms = f32(op, "mean", mean, c), is = f32(op, "invstd", invstd, c);
        S gys = f32(op, "output gradient", gy, numel), gxs = f32(op, "input gradient", gx, numel);
        S gws = f32OrNull(op, "weight gradient", gw, c), gbs = f32OrNull(op, "bias gradient", gb, c);
        if (c > 0) doBatchNormBackward(xs, ws, ms, is, gys, gxs, gws, gbs, n, c);
    }

    protected abstract void doSoftmax(S x, S y, int rows, int cols, boolean log);

    protected abstract void doSoftmaxBackward(S y, S gy, S gx, int rows, int cols, boolean log);

    protected abstract void doLayerNorm(S x, S w, S b, float eps, S y, S mean, S rstd, int rows, int cols);

    /** rows may be 0: gw and gb are then zeros. */
    protected abstract void doLayerNormBackward(S x, S w, S mean, S rstd, S gy, S gx, S gw, S gb, int rows, int cols);

    protected abstract void doBatchNormTrain(S x, S w, S b, float eps, float momentum, S runningMean, S runningVar, S y,
                                             S mean, S invstd, int n, int c);

    protected abstract void doBatchNormEval(S x, S w, S b, float eps, S runningMean, S runningVar, S y, int n, int c);

    protected abstract void doBatchNormBackward(S x, S w, S mean, S invstd, S gy, S gx, S gw, S gb, int n, int c);
}
