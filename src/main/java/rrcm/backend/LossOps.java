package rrcm.backend;

/**
 * The family {@code losses}: cross-entropy fused with log-softmax, and InfoNCE fused with its logits
 * (the (rows, rows) similarity matrix is never stored). Class labels are the one argument whose values
 * only the data can tell: a label outside [0, classes) fails with {@link #badLabel}'s message, at the
 * call on the CPU and, where the device holds the labels, at the backend's next download (see
 * {@link Backend}).
 */
public abstract class LossOps<S extends Storage> extends Family<S> {
    /** The most InfoNCE rows of one call: its (rows, rows) logits, which a device backend stores, fit one storage. */
    public static final int MAX_INFONCE_ROWS = 46_340;

    protected LossOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /**
     * Cross-entropy per row of logits (rows, classes). target is int32 class indices (rows) or float32
     * probabilities (rows, classes). Writes loss (rows) and lse (rows), the log-sum-exp of each row.
     */
    public final void crossEntropy(Storage logits, Storage target, Storage loss, Storage lse, int rows, int classes) {
        String op = "cross_entropy";
        S ls = f32(op, "logits", logits, count(op, "size", rows, classes));
        S ts = target(op, target, rows, classes);
        S lo = f32(op, "loss", loss, rows), le = f32(op, "lse", lse, rows);
        if (rows > 0) doCrossEntropy(ls, ts, lo, le, rows, classes);
    }

    /** gx = gLoss[row] * (softmax * sum(target) - target); int32 targets are one-hot. */
    public final void crossEntropyBackward(Storage logits, Storage lse, Storage target, Storage gLoss, Storage gx, int rows,
                                           int classes) {
        String op = "cross_entropy_backward";
        long n = count(op, "size", rows, classes);
        S ls = f32(op, "logits", logits, n), le = f32(op, "lse", lse, rows);
        S ts = target(op, target, rows, classes);
        S gl = f32(op, "loss gradient", gLoss, rows), g = f32(op, "gradient", gx, n);
        if (n > 0) doCrossEntropyBackward(ls, le, ts, gl, g, rows, classes);
    }

    private S target(String op, Storage target, int rows, int classes) {
        S t = own(op, "target", target);
        return t.dtype() == DType.I32 ? i32(op, "labels", t, rows) : f32(op, "target probabilities", t, (long) rows * classes);
    }

    /**
     * InfoNCE of queries q against keys k, both (rows, dim) and already L2-normalized, with the positives on
     * the diagonal: lse[i] = log sum_j exp(q_i . k_j / tau) and loss[i] = lse[i] - q_i . k_i / tau, with
     * invTau = 1 / tau.
     */
    public final void infoNce(Storage q, Storage k, int rows, int dim, float invTau, Storage lse, Storage loss) {
        String op = "info_nce";
        long n = infoNceSize(op, rows, dim);
        S qs = f32(op, "queries", q, n), ks = f32(op, "keys", k, n);
        S le = f32(op, "lse", lse, rows), lo = f32(op, "loss", loss, rows);
        if (rows > 0) doInfoNce(qs, ks, rows, dim, invTau, le, lo);
    }

    /**
     * Gradients of sum_i gLoss[i] loss[i] with respect to q and k (overwritten): with P the softmax of the
     * logits, dS = gLoss (P - I) / tau, gq = dS k and gk = dS^T q. gk may be null (a stop-gradient key).
     */
    public final void infoNceBackward(Storage q, Storage k, Storage lse, Storage gLoss, int rows, int dim, float invTau,
                                      Storage gq, Storage gk) {
        String op = "info_nce_backward";
        long n = infoNceSize(op, rows, dim);
        S qs = f32(op, "queries", q, n), ks = f32(op, "keys", k, n);
        S le = f32(op, "lse", lse, rows), gl = f32(op, "loss gradient", gLoss, rows);
        S gqs = f32(op, "query gradient", gq, n), gks = f32OrNull(op, "key gradient", gk, n);
        if (rows > 0) doInfoNceBackward(qs, ks, le, gl, rows, dim, invTau, gqs, gks);
    }

    private static long infoNceSize(String op, int rows, int dim) {
        require(dim >= 1, op, "feature dimension " + dim + " is below 1");
        require(rows <= MAX_INFONCE_ROWS, op, rows + " rows: the (rows, rows) logits of more than " + MAX_INFONCE_ROWS
                + " do not fit one storage");
        return count(op, "size", rows, dim);
    }

    /** The message of a label outside [0, classes), the same on every backend. */
    public static IllegalArgumentException badLabel(int row, int label, int classes) {
        return new IllegalArgumentException("cross_entropy: label " + label + " of row " + row + " is outside [0, " + classes + ")");
    }

    /** target is int32 labels or float32 probabilities; a backend checks the labels' values before it writes. */
    protected abstract void doCrossEntropy(S logits, S target, S loss, S lse, int rows, int classes);

    protected abstract void doCrossEntropyBackward(S logits, S lse, S target, S gLoss, S gx, int rows, int classes);

    protected abstract void doInfoNce(S q, S k, int rows, int dim, float invTau, S lse, S loss);

    /** gk may be null. */
    protected abstract void doInfoNceBackward(S q, S k, S lse, S gLoss, int rows, int dim, float invTau, S gq, S gk);
}
