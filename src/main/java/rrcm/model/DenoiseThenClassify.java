package rrcm.model;

import rrcm.tensor.Tensor;

/**
 * The diffusion certifiers' base classifier (denoise, then classify; Carlini et al. 2023; docs/method.md 2.5):
 * each noisy copy is denoised in one step at its true noise level, x0 = D(x; noise), and the denoised image
 * goes to a classifier trained on clean images, which it reads at its own time (the grid's smallest,
 * sigma_min). The denoiser was trained on continuous times, so it takes the noise level itself (2 sigma in
 * model space) where the encoder takes the grid time nearest it.
 *
 * @param noise the standard deviation of the noise in model space: 2 sigma
 */
public record DenoiseThenClassify(Denoiser denoiser, Classifier classifier, double classifierTime, double noise)
        implements NoisyImageClassifier {
    /** scaled: c_in(t) x for noisy images x at grid time t, as the smoothed classifier makes them. */
    @Override
    public Tensor logits(Tensor scaled, double t) {
        Tensor denoised = denoiser.denoise(scaled.mul((float) (1 / KarrasSchedule.cIn(t))), noise);
        return classifier.forward(denoised.mul((float) KarrasSchedule.cIn(classifierTime)), classifierTime);
    }
}
