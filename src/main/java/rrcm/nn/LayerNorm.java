package rrcm.nn;

import rrcm.backend.Backend;
import rrcm.tensor.Tensor;

/** LayerNorm over the last axis with a learned scale and shift. */
public final class LayerNorm extends Module {
    public final Tensor weight;
    public final Tensor bias;
    private final float eps;

    public LayerNorm(Backend be, int dim, float eps) {
        this.weight = param("weight", be, Init.constant(1f, dim), dim);
        this.bias = param("bias", be, new float[dim], dim);
        this.eps = eps;
    }

    public Tensor forward(Tensor x) {
        return x.layerNorm(weight, bias, eps);
    }
}
