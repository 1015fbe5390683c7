package rrcm.workflows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import rrcm.data.Augment;
import rrcm.data.Batch;
import rrcm.data.ImageDataset;
import rrcm.data.Loader;
import rrcm.io.Safetensors;
import rrcm.model.Classifier;
import rrcm.model.VisionTransformer;
import rrcm.model.VitConfig;
import rrcm.nn.Init;
import rrcm.optim.AdamW;
import rrcm.optim.Schedules;
import rrcm.tensor.Generator;

/**
 * The fine-tuning stage: a linear head on the encoder (pre-trained, or from scratch for the baselines),
 * {@link FinetuneStep}s over noisy copies of the training set, checkpoints every epoch (and at a
 * requested stop), exact resume, and the test accuracy at the end.
 */
public final class FineTuning {
    public static final String STAGE = "finetune";
    static final long NOISE_STREAM = 12;

    private FineTuning() {}

    public record Outcome(Classifier model, boolean finished) {}

    /**
     * @param encoder the pre-trained encoder to start from, or null to start from scratch (baselines), or
     *                when resuming (the checkpoint holds everything)
     * @param encoderFile a pre-training checkpoint to read the encoder from instead, or null
     */
    public static Outcome run(RunContext ctx, ImageDataset train, VisionTransformer encoder, Path encoderFile,
                              boolean resume) {
        TrainConfig cfg = ctx.config();
        FinetuneSpec spec = cfg.finetune();
        int size = train.height(), c = train.channels();
        VitConfig vit = cfg.model().vit(size, c);
        long seed = cfg.run().seed();
        VisionTransformer enc = encoder != null ? encoder : new VisionTransformer(ctx.backend(), new Init(seed), vit);
        if (encoderFile != null) {
            StateFiles.load(Safetensors.read(encoderFile), enc, "");
            ctx.out().println("finetune: encoder from " + encoderFile);
        }
        Classifier model = new Classifier(ctx.backend(), enc, new Init(seed + 1), train.classes());
        AdamW optimizer = new AdamW(FinetuneStep.layerwise(model, spec.layerDecay(), spec.weightDecay()), 0.9f, 0.999f, 1e-8f);
        Path dir = ctx.dir().stage(STAGE);
        Checkpoints.Resumed resumed = Checkpoints.start(ctx, resume, dir, STAGE, model, optimizer, List.of(Pretraining.STAGE), 0);
        long start = resumed.step();
        Generator noise = new Generator(seed, NOISE_STREAM, resumed.noiseCounter());
        FinetuneStep step = new FinetuneStep(ctx.backend(), model, optimizer, spec, noise);
        int b = spec.batchSize();
        try (Loader loader = new Loader(train, b, true, seed + 1, true, List.of(Augment.none()), cfg.run().workers(), 2)) {
            int perEpoch = StageLoop.batchesPerEpoch(loader, "finetune", b);
            long total = (long) spec.epochs() * perEpoch;
            if (start >= total) return new Outcome(model, true);
            ctx.out().printf(Locale.ROOT, "finetune: %s %s (t = %.6f), %d epochs of %d steps, %d copies per image%n",
                    spec.method(), spec.noisy() ? String.format(Locale.ROOT, "at sigma %.2f", spec.sigma()) : "on clean images",
                    step.time(), spec.epochs(), perEpoch, spec.effectiveCopies());
            StageLoop<FinetuneStep.Terms> loop = new StageLoop<>(ctx, STAGE, dir, model, done -> done % perEpoch == 0,
                    new StageLoop.Body<>() {
                        @Override
                        public FinetuneStep.Terms run(long k, Batch batch) {
                            float lr = Schedules.warmupCosine(spec.lr(), k, (long) spec.warmupEpochs() * perEpoch, total);
                            return step.run(lr, batch.views().get(0), batch.labels(), b, c, size, size);
                        }

                        @Override
                        public float loss(FinetuneStep.Terms t) {
                            return t.total().item();
                        }

                        @Override
                        public void log(long k, FinetuneStep.Terms t, float loss, double secondsPerStep) {
                            float lr = Schedules.warmupCosine(spec.lr(), k, (long) spec.warmupEpochs() * perEpoch, total);
                            FineTuning.log(ctx, k, t, loss, lr, secondsPerStep, b);
                        }

                        @Override
                        public void save(long done) {
                            Checkpoints.save(dir, STAGE, done, model, new LinkedHashMap<>(), optimizer, noise);
                        }
                    });
            return new Outcome(model, loop.run(loader, start, total));
        }
    }

    private static void log(RunContext ctx, long k, FinetuneStep.Terms t, float loss, float lr, double secondsPerStep, int b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", STAGE);
        m.put("step", k);
        m.put("loss", loss);
        m.put("cross_entropy", t.crossEntropy().item());
        if (t.kl() != null) {
            m.put("kl", t.kl().item());
            m.put("entropy", t.entropy().item());
        }
        m.put("lr", lr);
        m.put("ms_per_step", secondsPerStep * 1000);
        m.put("img_per_s", b / secondsPerStep);
        ctx.dir().log(m);
        ctx.out().printf(Locale.ROOT, "finetune step %d  loss %.4f (ce %.4f%s)  lr %.2e  %.0f ms/step  %.0f img/s%n", k + 1,
                loss, (float) m.get("cross_entropy"), t.kl() == null ? "" : String.format(Locale.ROOT, ", kl %.4f, entropy %.4f",
                        (float) m.get("kl"), (float) m.get("entropy")), lr, secondsPerStep * 1000, b / secondsPerStep);
    }
}
