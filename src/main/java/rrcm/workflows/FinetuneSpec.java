package rrcm.workflows;

/**
 * Hyperparameters of fine-tuning (docs/method.md 2.4). method: "rrcm" (from a pre-trained encoder, consistency
 * regularization), "consistency" (the same loss from scratch) or "gaussian" (cross-entropy on noisy
 * inputs from scratch, Cohen et al.). encoder: the pre-training checkpoint a fine-tuning-only run starts from
 * (null: from scratch, or from the pre-training stage of the same run); kept in the run's configuration so
 * that a resumed run that stopped before its first checkpoint starts from the same encoder.
 */
public record FinetuneSpec(String method, double sigma, int epochs, int batchSize, float lr, float layerDecay,
                           float weightDecay, int warmupEpochs, int copies, float lambda, float eta, java.nio.file.Path encoder) {
    public boolean usesConsistency() {
        return !method.equals("gaussian");
    }

    /** Noisy copies per image: the Gaussian baseline trains on one. */
    public int effectiveCopies() {
        return usesConsistency() ? copies : 1;
    }
}
