package rrcm.model;

import java.util.ArrayList;
import java.util.List;
import rrcm.backend.Backend;
import rrcm.nn.Block;
import rrcm.nn.Init;
import rrcm.nn.LayerNorm;
import rrcm.nn.Module;
import rrcm.tensor.Autograd;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;

/**
 * The rRCM encoder: a ViT with tokens [CLS, TIME, patch_1..patch_L], a learned positional embedding on
 * all of them, pre-norm blocks and a final LayerNorm; its feature is the normalized CLS token.
 * Parameter names are timm's, so checkpoints load into timm's VisionTransformer by name.
 */
public final class VisionTransformer extends Module {
    public final VitConfig config;
    public final Tensor patchWeight;
    public final Tensor patchBias;
    public final Tensor clsToken;
    public final Tensor posEmbed;
    public final List<Block> blocks = new ArrayList<>();
    public final LayerNorm norm;
    private final Backend backend;

    public VisionTransformer(Backend be, Init init, VitConfig c) {
        this.config = c;
        this.backend = be;
        int d = c.dim(), p = c.patchSize();
        // timm's patch_embed.proj is a Conv2d with kernel = stride = patch, weight (D, C, p, p); applied as a matmul
        this.patchWeight = param("patch_embed.proj.weight", be, init.truncNormal(0.02f, d * c.patchPixels()),
                d, c.channels(), p, p);
        this.patchBias = param("patch_embed.proj.bias", be, new float[d], d);
        this.clsToken = param("cls_token", be, init.normal(1e-6f, d), 1, 1, d);
        this.posEmbed = param("pos_embed", be, init.truncNormal(0.02f, c.tokens() * d), 1, c.tokens(), d);
        for (int i = 0; i < c.depth(); i++) {
            blocks.add(child("blocks." + i, new Block(be, init, d, c.heads(), c.mlpRatio() * d)));
        }
        this.norm = child("norm", new LayerNorm(be, d, 1e-5f));
    }

    /**
     * images (B, C, H, W), already noised and scaled by c_in(t); t the conditioning time.
     * Returns the CLS feature (B, D).
     */
    public Tensor forward(Tensor images, double t) {
        Tensor x = tokens(images, t);
        for (Block b : blocks) {
            if (Autograd.enabled()) {
                x = b.forward(x);
            } else {
                // Nothing will be differentiated: a block's temporaries go back to the pool as soon as it
                // ends, so that inference holds one block's worth of activations and reuses warm storage.
                try (MemoryScope s = MemoryScope.open()) {
                    x = s.keep(b.forward(x));
                }
            }
        }
        int bsz = x.size(0);
        // the final LayerNorm acts per token, so normalizing only CLS gives the same feature
        return norm.forward(x.narrow(1, 0, 1).reshape(bsz, config.dim()));
    }

    /** (B, 2 + L, D): [CLS, TIME, patch embeddings] plus the positional embedding. */
    Tensor tokens(Tensor images, double t) {
        VitConfig c = config;
        int b = images.size(0), p = c.patchSize(), g = c.imageSize() / p, d = c.dim();
        int[] s = images.shape();
        if (s.length != 4 || s[1] != c.channels() || s[2] != c.imageSize() || s[3] != c.imageSize()) {
            throw new IllegalArgumentException("model: expected images (B, " + c.channels() + ", " + c.imageSize() + ", "
                    + c.imageSize() + "), got " + java.util.Arrays.toString(s));
        }
        Tensor patches = images.reshape(b, c.channels(), g, p, g, p).permute(0, 2, 4, 1, 3, 5)
                .reshape(b, c.patches(), c.patchPixels());
        Tensor embedded = patches.matmul(patchWeight.reshape(d, c.patchPixels()), false, true).add(patchBias);
        double conditioned = c.fixedTime() > 0 ? c.fixedTime() : t;
        Tensor time = Tensor.of(backend, TimeEmbedding.sinusoidal(conditioned, d), 1, 1, d).expand(b, 1, d);
        Tensor cls = clsToken.expand(b, 1, d);
        return Tensor.concat(List.of(cls, time, embedded), 1).add(posEmbed);
    }
}
