package rrcm.workflows;

import java.util.List;
import rrcm.data.Augment;
import rrcm.data.Batch;
import rrcm.data.ImageDataset;
import rrcm.data.Loader;
import rrcm.model.Classifier;
import rrcm.model.KarrasSchedule;
import rrcm.tensor.Autograd;
import rrcm.tensor.Generator;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;

/**
 * Test accuracy of a fine-tuned classifier: clean (no noise, still conditioned at the model's time: that
 * of sigma, or sigma_min for a classifier of clean images) and under Gaussian noise of that sigma, one draw
 * per image, from a fixed Philox stream.
 */
public final class Evaluation {
    static final long NOISE_STREAM = 21;

    private Evaluation() {}

    public record Accuracy(int images, int cleanCorrect, int noisyCorrect) {
        public double clean() {
            return (double) cleanCorrect / images;
        }

        public double noisy() {
            return (double) noisyCorrect / images;
        }
    }

    /** Accuracy of a classifier read at time t: on the clean images, and with noise of sigma. */
    public static Accuracy run(RunContext ctx, Classifier model, ImageDataset test, double sigma, double t) {
        TrainConfig cfg = ctx.config();
        int limit = cfg.eval().maxImages() == 0 ? test.size() : Math.min(test.size(), cfg.eval().maxImages());
        float cIn = (float) KarrasSchedule.cIn(t);
        Generator noise = new Generator(cfg.run().seed(), NOISE_STREAM, 0);
        int c = test.channels(), size = test.height();
        int seen = 0, clean = 0, noisy = 0;
        model.train(false);
        try (Loader loader = new Loader(test, cfg.eval().batchSize(), false, 0, false, List.of(Augment.none()),
                cfg.run().workers(), 2); Autograd.NoGrad ng = Autograd.noGrad()) {
            loader.endBefore(1);
            for (Batch batch = loader.next(); batch != null && seen < limit; batch = loader.next()) {
                int b = Math.min(batch.labels().length, limit - seen);
                float[] pixels = java.util.Arrays.copyOf(batch.views().get(0), b * c * size * size);
                try (MemoryScope s = MemoryScope.open()) {
                    Tensor x = Images.upload(ctx.backend(), pixels, b, c, size, size);
                    int[] cleanPred = model.forward(x.mul(cIn), t).argmax(1).toIntArray();
                    Tensor eps = noise.normal(ctx.backend(), 0f, 1f, b, c, size, size);
                    int[] noisyPred = model.forward(x.add(eps.mul((float) (2 * sigma))).mul(cIn), t).argmax(1).toIntArray();
                    for (int i = 0; i < b; i++) {
                        if (cleanPred[i] == batch.labels()[i]) clean++;
                        if (noisyPred[i] == batch.labels()[i]) noisy++;
                    }
                }
                seen += b;
            }
        }
        model.train(true);
        return new Accuracy(seen, clean, noisy);
    }
}
