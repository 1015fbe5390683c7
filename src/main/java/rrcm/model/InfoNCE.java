package rrcm.model;

import rrcm.tensor.Losses;
import rrcm.tensor.Tensor;

/**
 * InfoNCE(q, k; tau): with q and k L2-normalized rows (B, C), logits = q k^T / tau (B, B) and
 * loss_i = logsumexp_j logits_ij - logits_ii; the other samples of the batch are the negatives.
 * Returns the mean over the batch. The keys arrive already detached when they are a stop-gradient target.
 */
public final class InfoNCE {
    private InfoNCE() {}

    public static Tensor loss(Tensor q, Tensor k, float tau) {
        if (q.rank() != 2 || !java.util.Arrays.equals(q.shape(), k.shape())) {
            throw new IllegalArgumentException("InfoNCE: queries and keys must both be (B, C), got "
                    + java.util.Arrays.toString(q.shape()) + " and " + java.util.Arrays.toString(k.shape()));
        }
        // the logits q k^T / tau, their log-softmax and the diagonal's loss in one fused primitive
        return Losses.infoNce(q.l2Normalize(1, 1e-12f), k.l2Normalize(1, 1e-12f), tau);
    }
}
