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
        Tensor x = blocks(tokens(images, timeTokens(t, images.size(0))));
        int bsz = x.size(0);
        // the final LayerNorm acts per token, so normalizing only CLS gives the same feature
        return norm.forward(x.narrow(1, 0, 1).reshape(bsz, config.dim()));
    }

    /**
     * Every output token (B, 2 + L, D) after the final LayerNorm, each image conditioned on its own time:
     * the patch tokens are what a dense head (the denoiser's) reads.
     */
    public Tensor forwardTokens(Tensor images, double[] times) {
        if (times.length != images.size(0)) {
            throw new IllegalArgumentException("model: " + times.length + " times for " + images.size(0) + " images");
        }
        int d = config.dim();
        float[] e = new float[times.length * d];
        for (int i = 0; i < times.length; i++) System.arraycopy(TimeEmbedding.sinusoidal(conditioned(times[i]), d), 0, e, i * d, d);
        return norm.forward(blocks(tokens(images, Tensor.of(backend, e, times.length, 1, d))));
    }

    private Tensor blocks(Tensor x) {
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
        return x;
    }

    private double conditioned(double t) {
        return config.fixedTime() > 0 ? config.fixedTime() : t;
    }

    /** The TIME token of one time, shared by a batch of b: (b, 1, D), a broadcast view of one row. */
    private Tensor timeTokens(double t, int b) {
        int d = config.dim();
        return Tensor.of(backend, TimeEmbedding.sinusoidal(conditioned(t), d), 1, 1, d).expand(b, 1, d);
    }

    /** (B, 2 + L, D): [CLS, TIME, patch embeddings] plus the positional embedding; time (B, 1, D). */
    Tensor tokens(Tensor images, Tensor time) {
        VitConfig c = config;
        int b = images.size(0), d = c.dim();
        Tensor embedded = patchify(images, c).matmul(patchWeight.reshape(d, c.patchPixels()), false, true).add(patchBias);
        Tensor cls = clsToken.expand(b, 1, d);
        return Tensor.concat(List.of(cls, time, embedded), 1).add(posEmbed);
    }

    /** Images (B, C, H, W) as rows of patch pixels (B, L, C p p), patches in raster order, each CHW inside. */
    public static Tensor patchify(Tensor images, VitConfig c) {
        int[] s = images.shape();
        if (s.length != 4 || s[1] != c.channels() || s[2] != c.imageSize() || s[3] != c.imageSize()) {
            throw new IllegalArgumentException("model: expected images (B, " + c.channels() + ", " + c.imageSize() + ", "
                    + c.imageSize() + "), got " + java.util.Arrays.toString(s));
        }
        int b = s[0], p = c.patchSize(), g = c.imageSize() / p;
        return images.reshape(b, c.channels(), g, p, g, p).permute(0, 2, 4, 1, 3, 5).reshape(b, c.patches(), c.patchPixels());
    }

    /** The inverse of {@link #patchify}: rows of patch pixels (B, L, C p p) back to images (B, C, H, W). */
    public static Tensor unpatchify(Tensor patches, VitConfig c) {
        int[] s = patches.shape();
        if (s.length != 3 || s[1] != c.patches() || s[2] != c.patchPixels()) {
            throw new IllegalArgumentException("model: expected patches (B, " + c.patches() + ", " + c.patchPixels()
                    + "), got " + java.util.Arrays.toString(s));
        }
        int b = s[0], p = c.patchSize(), g = c.imageSize() / p;
        return patches.reshape(b, g, g, c.channels(), p, p).permute(0, 3, 1, 4, 2, 5)
                .reshape(b, c.channels(), c.imageSize(), c.imageSize());
    }
}
