package rrcm.workflows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import rrcm.backend.Backend;
import rrcm.model.Classifier;
import rrcm.model.ConsistencyRegularization;
import rrcm.model.KarrasSchedule;
import rrcm.optim.AdamW;
import rrcm.tensor.Generator;
import rrcm.tensor.Losses;
import rrcm.tensor.Tensor;

/**
 * One fine-tuning step (docs/method.md 2.4): images in [0, 1] -> [-1, 1], m noisy copies x + 2 sigma eps,
 * scaled by c_in(t) at the grid time t nearest 2 sigma, the classifier, and the consistency-regularization
 * loss (or plain cross-entropy for the Gaussian baseline; for the clean classifier, the images themselves
 * at sigma_min), then AdamW with layer-wise learning rates.
 */
public final class FinetuneStep {
    public record Terms(Tensor total, Tensor crossEntropy, Tensor kl, Tensor entropy) {}

    private final Classifier model;
    private final AdamW optimizer;
    private final FinetuneSpec spec;
    private final Generator noise;
    private final Backend backend;
    private final double time;

    public FinetuneStep(Backend be, Classifier model, AdamW optimizer, FinetuneSpec spec, Generator noise) {
        this.backend = be;
        this.model = model;
        this.optimizer = optimizer;
        this.spec = spec;
        this.noise = noise;
        this.time = spec.time();
    }

    /**
     * AdamW parameters with layer-wise decay: scale = decay^(depth + 1 - l), l = 0 for the patch embedding,
     * cls token and position embedding, k + 1 for block k, depth + 1 for the rest; no weight decay on 1-D
     * parameters, the position embedding and the cls token.
     */
    public static List<AdamW.Param> layerwise(Classifier model, float decay, float weightDecay) {
        int depth = model.encoder.config.depth();
        List<AdamW.Param> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            String name = e.getKey();
            int layer;
            if (name.startsWith("patch_embed.") || name.equals("cls_token") || name.equals("pos_embed")) layer = 0;
            else if (name.startsWith("blocks.")) layer = Integer.parseInt(name.split("\\.")[1]) + 1;
            else layer = depth + 1;
            float scale = (float) Math.pow(decay, depth + 1 - layer);
            boolean decays = e.getValue().rank() > 1 && !name.equals("pos_embed") && !name.equals("cls_token");
            out.add(new AdamW.Param(name, e.getValue(), scale, decays ? weightDecay : 0f));
        }
        return out;
    }

    public double time() {
        return time;
    }

    /** Runs one step at learning rate lr on a batch (B, C, H, W) in [0, 1] with its labels. */
    public Terms run(float lr, float[] pixels, int[] labels, int b, int c, int h, int w) {
        model.train(true);
        int m = spec.effectiveCopies();
        Tensor x = Images.upload(backend, pixels, b, c, h, w);
        Tensor copies = m == 1 ? x : x.expand(m, b, c, h, w).reshape(m * b, c, h, w);
        Tensor noisy = copies;
        if (spec.noisy()) noisy = copies.add(Images.noise(noise, backend, new int[] {m * b, c, h, w}).mul((float) (2 * spec.sigma())));
        Tensor input = noisy.mul((float) KarrasSchedule.cIn(time));
        Tensor logits = model.forward(input, time);
        Terms terms;
        if (spec.usesConsistency()) {
            ConsistencyRegularization.Terms t = ConsistencyRegularization.loss(logits, labels, m, spec.lambda(), spec.eta());
            terms = new Terms(t.total(), t.crossEntropy(), t.kl(), t.entropy());
        } else {
            Tensor ce = Losses.crossEntropy(logits, Tensor.ofInts(backend, labels, b));
            terms = new Terms(ce, ce, null, null);
        }
        optimizer.zeroGrad();
        terms.total().backward();
        optimizer.step(lr);
        return terms;
    }
}
