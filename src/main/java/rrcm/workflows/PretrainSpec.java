package rrcm.workflows;

/** Hyperparameters of contrastive-denoising pre-training (docs/method.md 2.3). */
public record PretrainSpec(long steps, int batchSize, float lr, float weightDecay, long warmupSteps, float clipNorm,
                           float tau, double emaStart, double emaEnd, long emaSteps, double emaSharpness,
                           int projectorHidden, int projectorOut) {}
