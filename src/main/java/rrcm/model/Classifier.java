package rrcm.model;

import rrcm.backend.Backend;
import rrcm.nn.Init;
import rrcm.nn.Linear;
import rrcm.nn.Module;
import rrcm.tensor.Tensor;

/**
 * The smoothed classifier's base: the encoder and a linear head on its CLS feature. State names are the
 * encoder's timm names plus head.weight and head.bias, as timm's VisionTransformer with a head.
 */
public final class Classifier extends Module implements NoisyImageClassifier {
    public final VisionTransformer encoder;
    public final Linear head;

    public Classifier(Backend be, VisionTransformer encoder, Init init, int classes) {
        this.encoder = child("", encoder);
        int d = encoder.config.dim();
        // docs/method.md 2.4: head weights with std 2e-5, zero bias
        this.head = child("head", new Linear(be, d, classes, true, init.normal(2e-5f, d * classes)));
    }

    /** Logits (B, classes) for inputs already noised and scaled by c_in(t). */
    public Tensor forward(Tensor images, double t) {
        return head.forward(encoder.forward(images, t));
    }

    @Override
    public Tensor logits(Tensor scaled, double t) {
        return forward(scaled, t);
    }
}
