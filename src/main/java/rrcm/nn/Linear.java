package rrcm.nn;

import rrcm.backend.Backend;
import rrcm.tensor.Tensor;

/** y = x W^T + b with W of shape (out, in), as torch.nn.Linear. */
public final class Linear extends Module {
    public final Tensor weight;
    public final Tensor bias;

    /** Weights from the given values (already drawn); bias zero when wanted. */
    public Linear(Backend be, int in, int out, boolean bias, float[] weights) {
        this.weight = param("weight", be, weights, out, in);
        this.bias = bias ? param("bias", be, new float[out], out) : null;
    }

    /** ViT initialization: truncated normal with std 0.02, zero bias. */
    public static Linear vit(Backend be, Init init, int in, int out, boolean bias) {
        return new Linear(be, in, out, bias, init.truncNormal(0.02f, in * out));
    }

    /** PyTorch's default initialization of the weight (bias, when present, zero). */
    public static Linear standard(Backend be, Init init, int in, int out, boolean bias) {
        return new Linear(be, in, out, bias, init.fanInUniform(in, in * out));
    }

    public Tensor forward(Tensor x) {
        Tensor y = x.matmul(weight, false, true);
        return bias == null ? y : y.add(bias);
    }
}
