package rrcm.model;

import rrcm.tensor.Tensor;

/**
 * The base classifier f that randomized smoothing smooths: logits (B, classes) for noisy images in model
 * space, x + t z with x in [-1, 1], already scaled by c_in(t), at conditioning time t. The fine-tuned
 * {@link Classifier} is one; {@link DenoiseThenClassify} (a denoiser and a clean classifier) is another.
 */
public interface NoisyImageClassifier {
    Tensor logits(Tensor scaled, double t);
}
