package rrcm.model;

import rrcm.tensor.Losses;
import rrcm.tensor.Tensor;

/**
 * The fine-tuning loss of Jeong and Shin (2020) as rRCM uses it. The batch comes as m noisy copies,
 * rows [copy 0: B rows][copy 1: B rows]...; with p_i = softmax(f(x + delta_i)) and p = mean_i p_i
 * (not detached):
 * L = CE(logits, y) + lambda * mean_b[(1/m) sum_i KL(p || p_i)] + eta * mean_b[H(p)],
 * KL(p || p_i) = sum_c p_c (log p_c - log p_i,c), H(p) = -sum_c p_c log max(p_c, 1e-20).
 */
public final class ConsistencyRegularization {
    private ConsistencyRegularization() {}

    /** The three terms and their weighted sum, all scalar tensors (kept on the backend). */
    public record Terms(Tensor total, Tensor crossEntropy, Tensor kl, Tensor entropy) {}

    /** labels: the B labels of the batch, from the host (the loader has them; no device round trip). */
    public static Terms loss(Tensor logits, int[] labels, int copies, float lambda, float eta) {
        int rows = logits.size(0), classes = logits.size(1);
        if (rows % copies != 0) {
            throw new IllegalArgumentException("consistency loss: " + rows + " rows are not " + copies + " copies of a batch");
        }
        int b = rows / copies;
        if (labels.length != b) {
            throw new IllegalArgumentException("consistency loss: " + labels.length + " labels for a batch of " + b);
        }
        int[] y = labels;
        int[] repeated = new int[rows];
        for (int i = 0; i < copies; i++) System.arraycopy(y, 0, repeated, i * b, b);
        Tensor ce = Losses.crossEntropy(logits, Tensor.ofInts(logits.backend(), repeated, rows));

        Tensor logP = logits.logSoftmax().reshape(copies, b, classes);
        Tensor mean = logP.exp().mean(0, false); // (B, C)
        Tensor logMean = mean.clampMin(1e-20f).log();
        Tensor selfTerm = mean.mul(logMean).sum(1, false); // sum_c p log p, (B)
        Tensor crossTerm = logP.mul(mean).sum(2, false).mean(0, false); // (1/m) sum_i sum_c p log p_i, (B)
        Tensor kl = selfTerm.sub(crossTerm).mean();
        Tensor entropy = selfTerm.neg().mean();
        return new Terms(ce.add(kl.mul(lambda)).add(entropy.mul(eta)), ce, kl, entropy);
    }
}
