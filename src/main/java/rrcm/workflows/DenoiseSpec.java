package rrcm.workflows;

/**
 * Hyperparameters of the denoiser's training (the diffusion baseline; {@link rrcm.model.Edm}): steps of
 * batchSize clean training images, each at its own time ln t ~ N(-1.2, 1.2^2); AdamW at lr with linear
 * warm-up and cosine decay; the global gradient norm clipped at clipNorm (0: no clipping).
 */
public record DenoiseSpec(long steps, int batchSize, float lr, float weightDecay, long warmupSteps, float clipNorm) {}
