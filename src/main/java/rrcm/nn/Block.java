package rrcm.nn;

import rrcm.backend.Backend;
import rrcm.tensor.Tensor;

/** Pre-norm transformer block: x += Attn(LN(x)); x += MLP(LN(x)). LayerNorm eps 1e-5, no dropout. */
public final class Block extends Module {
    public final LayerNorm norm1;
    public final Attention attn;
    public final LayerNorm norm2;
    public final Mlp mlp;

    public Block(Backend be, Init init, int dim, int heads, int mlpHidden) {
        this.norm1 = child("norm1", new LayerNorm(be, dim, 1e-5f));
        this.attn = child("attn", new Attention(be, init, dim, heads));
        this.norm2 = child("norm2", new LayerNorm(be, dim, 1e-5f));
        this.mlp = child("mlp", new Mlp(be, init, dim, mlpHidden));
    }

    public Tensor forward(Tensor x) {
        x = x.add(attn.forward(norm1.forward(x)));
        return x.add(mlp.forward(norm2.forward(x)));
    }
}
