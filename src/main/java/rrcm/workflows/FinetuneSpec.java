package rrcm.workflows;

/**
 * Hyperparameters of fine-tuning (method.md 2.4). method: "rrcm" (from a pre-trained encoder, consistency
 * regularization), "consistency" (the same loss from scratch) or "gaussian" (cross-entropy on noisy
 * inputs from scratch, Cohen et al.).
 */
public record FinetuneSpec(String method, double sigma, int epochs, int batchSize, float lr, float layerDecay,
                           float weightDecay, int warmupEpochs, int copies, float lambda, float eta) {
    public boolean usesConsistency() {
        return !method.equals("gaussian");
    }

    /** Noisy copies per image: the Gaussian baseline trains on one. */
    public int effectiveCopies() {
        return usesConsistency() ? copies : 1;
    }
}
