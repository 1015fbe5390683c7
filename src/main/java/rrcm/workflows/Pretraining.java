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
import rrcm.model.PretrainNetwork;
import rrcm.model.VitConfig;
import rrcm.nn.Init;
import rrcm.optim.AdamW;
import rrcm.tensor.Generator;

/**
 * The pre-training stage: builds the online network and its EMA target, then runs
 * {@link PretrainStep}s over the training set's augmented views, logging, checkpointing and resuming
 * exactly (the data position, the noise generator's counter, the optimizer's moments, the target and
 * every BatchNorm statistic are in the checkpoint).
 */
public final class Pretraining {
    public static final String STAGE = "pretrain";
    /** Noise stream of pre-training; each purpose of randomness has its own Philox stream. */
    static final long NOISE_STREAM = 11;

    private Pretraining() {}

    /** The trained online network and whether all configured steps ran (false when stopped early). */
    public record Outcome(PretrainNetwork online, boolean finished) {}

    public static Outcome run(RunContext ctx, ImageDataset train, boolean resume) {
        TrainConfig cfg = ctx.config();
        PretrainSpec spec = cfg.pretrain();
        int size = train.height();
        VitConfig vit = cfg.model().vit(size, train.channels());
        long seed = cfg.run().seed();
        PretrainNetwork online = new PretrainNetwork(ctx.backend(), new Init(seed), vit, spec.projectorHidden(), spec.projectorOut());
        PretrainNetwork target = new PretrainNetwork(ctx.backend(), new Init(seed), vit, spec.projectorHidden(), spec.projectorOut());
        PretrainStep.initTarget(target, online);
        AdamW optimizer = new AdamW(AdamW.uniform(online.namedParameters(), spec.weightDecay()), 0.9f, 0.999f, 1e-8f);
        Path dir = ctx.dir().stage(STAGE);
        Checkpoints.Resumed resumed = Checkpoints.start(ctx, resume, dir, STAGE, online, optimizer, List.of(), spec.steps());
        if (resumed.state() != null) StateFiles.load(resumed.state(), target, "target.");
        long start = resumed.step();
        if (start >= spec.steps()) return new Outcome(online, true);
        ctx.out().printf(Locale.ROOT, "pretrain: %s, %,d parameters, %d steps of %d images (%s, %d images)%n",
                describe(vit), online.encoder.parameterCount(), spec.steps(), spec.batchSize(), train.name(), train.size());

        Generator noise = new Generator(seed, NOISE_STREAM, resumed.noiseCounter());
        PretrainStep step = new PretrainStep(ctx.backend(), online, target, optimizer, spec, noise, seed);
        int b = spec.batchSize(), c = train.channels();
        StageLoop<PretrainStep.Losses> loop = new StageLoop<>(ctx, STAGE, dir, online,
                done -> done % cfg.run().checkpointEvery() == 0, new StageLoop.Body<>() {
                    @Override
                    public PretrainStep.Losses run(long k, Batch batch) {
                        return step.run(k, batch.views().get(0), batch.views().get(1), batch.views().get(2), b, c, size, size);
                    }

                    @Override
                    public float loss(PretrainStep.Losses l) {
                        return l.total().item();
                    }

                    @Override
                    public void log(long k, PretrainStep.Losses l, float loss, double secondsPerStep) {
                        Pretraining.log(ctx, k, l, loss, secondsPerStep, b);
                    }

                    @Override
                    public void save(long done) {
                        Checkpoints.save(dir, STAGE, done, online, StateFiles.of(target, "target."), optimizer, noise);
                    }
                });
        try (Loader loader = new Loader(train, b, true, seed, true,
                List.of(Augment.viewA(size), Augment.viewB(size), Augment.weak(size)), cfg.run().workers(), 2)) {
            StageLoop.batchesPerEpoch(loader, "pretrain", b);
            return new Outcome(online, loop.run(loader, start, spec.steps()));
        }
    }

    private static String describe(VitConfig v) {
        return String.format(Locale.ROOT, "ViT %dx%d/%d, dim %d, depth %d, %d heads, %d tokens", v.imageSize(),
                v.imageSize(), v.patchSize(), v.dim(), v.depth(), v.heads(), v.tokens());
    }

    private static void log(RunContext ctx, long k, PretrainStep.Losses l, float loss, double secondsPerStep, int batch) {
        float con = l.contrastive().item(), cons = l.consistency().item(), norm = l.gradNorm().item();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", STAGE);
        m.put("step", k);
        m.put("loss", loss);
        m.put("contrastive", con);
        m.put("consistency", cons);
        m.put("grad_norm", norm);
        m.put("lr", l.lr());
        m.put("ema", l.ema());
        m.put("levels", l.levels());
        m.put("ms_per_step", secondsPerStep * 1000);
        m.put("img_per_s", batch / secondsPerStep);
        ctx.dir().log(m);
        ctx.out().printf(Locale.ROOT, "pretrain step %d  loss %.4f (contrastive %.4f, consistency %.4f)  lr %.2e  "
                + "grad norm %.3f  %.0f ms/step  %.0f img/s%n", k + 1, loss, con, cons, l.lr(), norm,
                secondsPerStep * 1000, batch / secondsPerStep);
    }
}
