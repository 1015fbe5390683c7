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

    /** x (B, T, D) -> (B, T, D). */
    public Tensor forward(Tensor x) {
        int b = x.size(0), t = x.size(1), d = x.size(2), dh = d / heads;
        // (B, T, 3D) -> (3, B, H, T, dh): q, k and v as contiguous head-major blocks
        Tensor qkvHeads = qkv.forward(x).reshape(b, t, 3, heads, dh).permute(2, 0, 3, 1, 4);
        Tensor q = qkvHeads.narrow(0, 0, 1).reshape(b, heads, t, dh);
        Tensor k = qkvHeads.narrow(0, 1, 1).reshape(b, heads, t, dh);
        Tensor v = qkvHeads.narrow(0, 2, 1).reshape(b, heads, t, dh);
        Tensor o = FusedAttention.sdpa(q, k, v, Float.NaN); // (B, H, T, dh)
        return proj.forward(o.permute(0, 2, 1, 3).reshape(b, t, d));
    }
}
