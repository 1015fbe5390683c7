package rrcm.workflows;

/**
 * Hyperparameters of contrastive-denoising pre-training (docs/method.md 2.3). consistencyWeight multiplies
 * the consistency term (1 in the method; 0 leaves it out, an ablation, and skips its two encoder passes).
 */
public record PretrainSpec(long steps, int batchSize, float lr, float weightDecay, long warmupSteps, float clipNorm,
                           float tau, double emaStart, double emaEnd, long emaSteps, double emaSharpness,
                           int projectorHidden, int projectorOut, float consistencyWeight) {
    /** The method's pre-training, both terms with weight 1. */
    public PretrainSpec(long steps, int batchSize, float lr, float weightDecay, long warmupSteps, float clipNorm, float tau,
                        double emaStart, double emaEnd, long emaSteps, double emaSharpness, int projectorHidden, int projectorOut) {
        this(steps, batchSize, lr, weightDecay, warmupSteps, clipNorm, tau, emaStart, emaEnd, emaSteps, emaSharpness,
                projectorHidden, projectorOut, 1f);
    }
}
