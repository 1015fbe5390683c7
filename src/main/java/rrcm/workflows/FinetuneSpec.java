package rrcm.workflows;

/**
 * Hyperparameters of fine-tuning (docs/method.md 2.4). method: "rrcm" (from a pre-trained encoder, consistency
 * regularization), "consistency" (the same loss from scratch), "gaussian" (cross-entropy on noisy
 * inputs from scratch, Cohen et al.) or "clean" (cross-entropy on clean images from scratch, read at the
 * grid's smallest time: the classifier behind a denoiser, as in denoise-then-classify). encoder: the pre-training checkpoint a fine-tuning-only run starts from
 * (null: from scratch, or from the pre-training stage of the same run); kept in the run's configuration so
 * that a resumed run that stopped before its first checkpoint starts from the same encoder.
 */
public record FinetuneSpec(String method, double sigma, int epochs, int batchSize, float lr, float layerDecay,
                           float weightDecay, int warmupEpochs, int copies, float lambda, float eta, java.nio.file.Path encoder) {
    public boolean usesConsistency() {
        return method.equals("rrcm") || method.equals("consistency");
    }

    /** Whether the training images are noised at sigma: all but the clean classifier. */
    public boolean noisy() {
        return !method.equals("clean");
    }

    /** The conditioning time: the grid point nearest 2 sigma, or sigma_min for the clean classifier. */
    public double time() {
        return noisy() ? rrcm.model.KarrasSchedule.timeForSigma(sigma) : rrcm.model.KarrasSchedule.SIGMA_MIN;
    }

    /** Noisy copies per image: the Gaussian baseline and the clean classifier train on one. */
    public int effectiveCopies() {
        return usesConsistency() ? copies : 1;
    }
}
