package rrcm.nn;

import rrcm.backend.Backend;
import rrcm.tensor.FusedAttention;
import rrcm.tensor.Tensor;

/** Multi-head self-attention as timm's ViT: qkv projection without bias, fused attention, output projection. */
public final class Attention extends Module {
    public final Linear qkv;
    public final Linear proj;
    private final int heads;

    public Attention(Backend be, Init init, int dim, int heads) {
        if (dim % heads != 0) throw new IllegalArgumentException("attention: dim " + dim + " is not divisible by " + heads + " heads");
        this.heads = heads;
        this.qkv = child("qkv", Linear.vit(be, init, dim, 3 * dim, false));
        this.proj = child("proj", Linear.vit(be, init, dim, dim, true));
    }

    /** x (B, T, D) -> (B, T, D): the heads read q, k, v where the projection wrote them (FusedAttention.selfAttention). */
    public Tensor forward(Tensor x) {
        return proj.forward(FusedAttention.selfAttention(qkv.forward(x), heads));
    }
}
