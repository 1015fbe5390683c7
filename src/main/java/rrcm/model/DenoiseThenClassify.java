package rrcm.model;

import rrcm.tensor.Tensor;

/**
 * The diffusion certifiers' base classifier (denoise, then classify; Carlini et al. 2023; docs/method.md 2.5): each noisy
 * copy at time t = 2 sigma is denoised in one step, x0 = D(x; t), and the denoised image goes to a
 * classifier trained on clean images, which it reads at its own time (the grid's smallest, sigma_min).
 */
public record DenoiseThenClassify(Denoiser denoiser, Classifier classifier, double classifierTime)
        implements NoisyImageClassifier {
    @Override
    public Tensor logits(Tensor scaled, double t) {
        Tensor denoised = denoiser.denoiseScaled(scaled, t);
        return classifier.forward(denoised.mul((float) KarrasSchedule.cIn(classifierTime)), classifierTime);
    }
}
