package rrcm.tensor;

import rrcm.backend.Backend;
import rrcm.backend.DType;

/** Loss primitives. */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of logits (n, c) against int32 class labels (n) or float probabilities (n, c),
     * fused with the log-softmax: the probabilities are never stored.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        Ops.floats("cross_entropy", logits);
        Ops.sameBackend("cross_entropy", logits, target);
        int[] s = logits.shape();
        if (s.length != 2) throw new IllegalArgumentException("cross_entropy: logits must be (n, classes), got " + Shape.str(s));
        int rows = s[0], classes = s[1];
        boolean hard = target.dtype() == DType.I32;
        int[] expected = hard ? new int[] {rows} : s;
        if (!Shape.same(target.shape(), expected)) {
            throw new IllegalArgumentException("cross_entropy: " + (hard ? "labels" : "target probabilities")
                    + " must have shape " + Shape.str(expected) + " for logits " + Shape.str(s) + ", got "
                    + Shape.str(target.shape()));
        }
        Backend be = logits.backend();
        Tensor loss = Tensor.empty(be, DType.F32, new int[] {rows});
        Tensor lse = Tensor.empty(be, DType.F32, new int[] {rows});
        be.losses().crossEntropy(logits.storage(), target.storage(), loss.storage(), lse.storage(), rows, classes);
        Tensor perRow = Autograd.record("cross_entropy", loss, g -> {
            Tensor gx = Tensor.emptyLike(logits);
            be.losses().crossEntropyBackward(logits.storage(), lse.storage(), target.storage(), g.storage(), gx.storage(),
                    rows, classes);
            return new Tensor[] {gx, null};
        }, logits, target);
        return perRow.mean();
    }

    /**
     * Mean InfoNCE of L2-normalized queries q against L2-normalized keys k, both (n, d), at temperature
     * tau, the positives on the diagonal: mean_i [log sum_j exp(q_i . k_j / tau) - q_i . k_i / tau],
     * fused (the (n, n) logits are never stored). The keys' gradient is computed only when they require one.
     */
    public static Tensor infoNce(Tensor q, Tensor k, float tau) {
        Ops.floats("info_nce", q, k);
        Ops.sameBackend("info_nce", q, k);
        if (q.rank() != 2 || !Shape.same(q.shape(), k.shape())) {
            throw new IllegalArgumentException("info_nce: queries and keys must both be (n, d), got " + Shape.str(q.shape())
                    + " and " + Shape.str(k.shape()));
        }
        if (!(tau > 0)) throw new IllegalArgumentException("info_nce: the temperature must be positive, got " + tau);
        int rows = q.size(0), dim = q.size(1);
        float invTau = 1f / tau;
        Backend be = q.backend();
        Tensor loss = Tensor.empty(be, DType.F32, new int[] {rows});
        Tensor lse = Tensor.empty(be, DType.F32, new int[] {rows});
        be.losses().infoNce(q.storage(), k.storage(), rows, dim, invTau, lse.storage(), loss.storage());
        Tensor perRow = Autograd.record("info_nce", loss, g -> {
            Tensor gq = Tensor.emptyLike(q);
            Tensor gk = k.requiresGrad() ? Tensor.emptyLike(k) : null;
            be.losses().infoNceBackward(q.storage(), k.storage(), lse.storage(), g.storage(), rows, dim, invTau, gq.storage(),
                    gk == null ? null : gk.storage());
            return new Tensor[] {gq, gk};
        }, q, k);
        return perRow.mean();
    }
}
