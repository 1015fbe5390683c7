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
        be.crossEntropy(logits.storage(), target.storage(), loss.storage(), lse.storage(), rows, classes);
        Tensor perRow = Autograd.record("cross_entropy", loss, g -> {
            Tensor gx = Tensor.emptyLike(logits);
            be.crossEntropyBackward(logits.storage(), lse.storage(), target.storage(), g.storage(), gx.storage(),
                    rows, classes);
            return new Tensor[] {gx, null};
        }, logits, target);
        return perRow.mean();
    }
}
