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
        int b = q.size(0);
        Tensor logits = q.l2Normalize(1, 1e-12f).matmul(k.l2Normalize(1, 1e-12f), false, true).div(tau);
        int[] diagonal = new int[b];
        for (int i = 0; i < b; i++) diagonal[i] = i;
        return Losses.crossEntropy(logits, Tensor.ofInts(q.backend(), diagonal, b));
    }
}
