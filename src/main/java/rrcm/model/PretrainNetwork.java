package rrcm.model;

import rrcm.backend.Backend;
import rrcm.nn.Init;
import rrcm.nn.Module;
import rrcm.tensor.Tensor;

/** Encoder and projector, as pre-training uses them (the online network, and its EMA target). */
public final class PretrainNetwork extends Module {
    public final VisionTransformer encoder;
    public final Projector projector;

    public PretrainNetwork(Backend be, Init init, VitConfig config, int projectorHidden, int projectorOut) {
        this.encoder = child("", new VisionTransformer(be, init, config));
        this.projector = child("projector", new Projector(be, init, config.dim(), projectorHidden, projectorOut));
    }

    /** Projector output (B, out) of the CLS feature. */
    public Tensor project(Tensor images, double t) {
        return projector.forward(encoder.forward(images, t));
    }
}
