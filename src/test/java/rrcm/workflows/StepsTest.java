package rrcm.workflows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import rrcm.backend.Backends;
import rrcm.model.Classifier;
import rrcm.model.PretrainNetwork;
import rrcm.model.VitConfig;
import rrcm.nn.Init;
import rrcm.optim.AdamW;
import rrcm.tensor.Generator;
import rrcm.tensor.MemoryScope;
import rrcm.testing.Data;

/** Pre-training and fine-tuning steps on a tiny model: they learn, and they are reproducible. */
class StepsTest {
    static final VitConfig TINY = new VitConfig(8, 1, 4, 16, 1, 2, 2);
    static final int B = 8;

    private static float[] pretrainLosses(int steps) {
        return pretrainLosses(steps, 1f, false);
    }

    /** The total loss per step; with contrastiveOnly, the contrastive term's instead. */
    private static float[] pretrainLosses(int steps, float consistencyWeight, boolean contrastiveOnly) {
        var be = Backends.cpu();
        PretrainNetwork online = new PretrainNetwork(be, new Init(1), TINY, 32, 16);
        PretrainNetwork target = new PretrainNetwork(be, new Init(1), TINY, 32, 16);
        PretrainStep.initTarget(target, online);
        PretrainSpec spec = new PretrainSpec(steps, B, 1e-3f, 0f, 2, 2f, 0.2f, 0.99, 0.9999, steps, 15, 32, 16, consistencyWeight);
        AdamW opt = new AdamW(AdamW.uniform(online.namedParameters(), 0f), 0.9f, 0.999f, 1e-8f);
        PretrainStep step = new PretrainStep(be, online, target, opt, spec, new Generator(3), 3);
        float[] a = Data.uniform(4, B * 64, 0, 1), b = Data.uniform(5, B * 64, 0, 1), w = Data.uniform(6, B * 64, 0, 1);
        float[] losses = new float[steps];
        for (int k = 0; k < steps; k++) {
            try (MemoryScope s = MemoryScope.open()) {
                PretrainStep.Losses l = step.run(k, a, b, w, B, 1, 8, 8);
                losses[k] = contrastiveOnly ? l.contrastive().item() : l.total().item();
                if (consistencyWeight == 0) assertEquals(0f, l.consistency().item(), "the left-out term logs as 0");
            }
        }
        return losses;
    }

    @Test
    void pretrainingLowersTheLossOnAFixedBatchAndIsReproducible() {
        float[] first = pretrainLosses(12);
        assertTrue(first[11] < first[0], "loss " + first[0] + " -> " + first[11]);
        assertArrayEquals(first, pretrainLosses(12));
    }

    /**
     * The ablation without the consistency term (pretrain.consistency_weight: 0) trains on the contrastive term
     * alone: its total is its contrastive term, and from the second step on it trains another network than the
     * method's (the first step's contrastive term is the same: same initial weights, same noise).
     */
    @Test
    void withoutTheConsistencyTermTheLossIsTheContrastiveTerm() {
        float[] total = pretrainLosses(4, 0f, false), contrastive = pretrainLosses(4, 0f, true);
        assertArrayEquals(contrastive, total);
        float[] method = pretrainLosses(4, 1f, true);
        assertEquals(method[0], contrastive[0]);
        assertTrue(method[3] != contrastive[3], "the consistency term's gradient changes the training");
    }

    @Test
    void fineTuningLearnsAFixedBatch() {
        var be = Backends.cpu();
        Classifier model = new Classifier(be, new rrcm.model.VisionTransformer(be, new Init(1), TINY), new Init(2), 3);
        FinetuneSpec spec = new FinetuneSpec("consistency", 0.25, 1, B, 2e-3f, 0.75f, 0.05f, 0, 2, 10f, 0.5f, null);
        AdamW opt = new AdamW(FinetuneStep.layerwise(model, spec.layerDecay(), spec.weightDecay()), 0.9f, 0.999f, 1e-8f);
        FinetuneStep step = new FinetuneStep(be, model, opt, spec, new Generator(7));
        float[] pixels = Data.uniform(8, B * 64, 0, 1);
        int[] labels = Data.ints(9, B, 3);
        float first = 0, last = 0;
        for (int k = 0; k < 30; k++) {
            try (MemoryScope s = MemoryScope.open()) {
                float loss = step.run(2e-3f, pixels, labels, B, 1, 8, 8).total().item();
                if (k == 0) first = loss;
                last = loss;
            }
        }
        assertTrue(last < first, "loss " + first + " -> " + last);
    }

    @Test
    void layerwiseDecayFollowsTheDepth() {
        var be = Backends.cpu();
        VitConfig c = new VitConfig(8, 1, 4, 16, 2, 2, 2);
        Classifier model = new Classifier(be, new rrcm.model.VisionTransformer(be, new Init(1), c), new Init(2), 3);
        for (AdamW.Param p : FinetuneStep.layerwise(model, 0.5f, 0.1f)) {
            float expected = switch (p.name().split("\\.")[0]) {
                case "patch_embed", "cls_token", "pos_embed" -> 0.125f;
                case "blocks" -> p.name().startsWith("blocks.0.") ? 0.25f : 0.5f;
                default -> 1f;
            };
            assertEquals(expected, p.lrScale(), p.name());
            boolean noDecay = p.tensor().rank() == 1 || p.name().equals("pos_embed") || p.name().equals("cls_token");
            assertEquals(noDecay ? 0f : 0.1f, p.weightDecay(), p.name());
        }
    }
}
