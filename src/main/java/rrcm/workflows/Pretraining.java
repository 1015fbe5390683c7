package rrcm.workflows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import rrcm.data.Augment;
import rrcm.data.Batch;
import rrcm.data.ImageDataset;
import rrcm.data.Loader;
import rrcm.io.HostArray;
import rrcm.io.Safetensors;
import rrcm.io.SafetensorsFile;
import rrcm.model.PretrainNetwork;
import rrcm.model.VitConfig;
import rrcm.nn.Init;
import rrcm.optim.AdamW;
import rrcm.tensor.Generator;
import rrcm.tensor.MemoryScope;

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
        Generator noise = new Generator(seed, NOISE_STREAM, 0);
        Path dir = ctx.dir().stage(STAGE);
        long start = 0;
        if (resume && Files.exists(StateFiles.stateFile(dir))) {
            start = restore(dir, online, target, optimizer);
            noise = new Generator(seed, NOISE_STREAM, Long.parseLong(Safetensors.read(StateFiles.stateFile(dir))
                    .metadata().get("noise_counter")));
            ctx.dir().truncateMetrics(STAGE, start, List.of());
            ctx.out().printf(Locale.ROOT, "pretrain: resuming at step %d of %d%n", start, spec.steps());
        }
        if (start >= spec.steps()) return new Outcome(online, true);
        ctx.out().printf(Locale.ROOT, "pretrain: %s, %,d parameters, %d steps of %d images (%s, %d images)%n",
                describe(vit), online.encoder.parameterCount(), spec.steps(), spec.batchSize(), train.name(), train.size());

        PretrainStep step = new PretrainStep(ctx.backend(), online, target, optimizer, spec, noise, seed);
        int b = spec.batchSize(), c = train.channels();
        try (Loader loader = new Loader(train, b, true, seed, true,
                List.of(Augment.viewA(size), Augment.viewB(size), Augment.weak(size)), cfg.run().workers(), 2)) {
            int perEpoch = loader.batchesPerEpoch();
            if (perEpoch == 0) {
                throw new IllegalArgumentException("pretrain.batch_size " + b + " is larger than the training set ("
                        + train.size() + " images)");
            }
            loader.startAt((int) (start / perEpoch), (int) (start % perEpoch));
            Progress progress = null;
            long epochFirst = start;
            long windowStart = System.nanoTime(), windowSteps = 0;
            for (long k = start; k < spec.steps(); k++) {
                if (progress == null || k % perEpoch == 0) {
                    epochFirst = k;
                    long epochEnd = Math.min(spec.steps(), (k / perEpoch + 1) * perEpoch);
                    progress = Progress.onStderr(String.format(Locale.ROOT, "pretrain epoch %d", k / perEpoch), epochEnd - k);
                }
                Batch batch = loader.next();
                float loss;
                try (MemoryScope scope = MemoryScope.open()) {
                    PretrainStep.Losses l = step.run(k, batch.views().get(0), batch.views().get(1), batch.views().get(2),
                            b, c, size, size);
                    loss = l.total().item();
                    if (!Float.isFinite(loss)) {
                        throw new TrainingDiverged(String.format(Locale.ROOT, "pretrain step %d: the loss is %s; stopped "
                                + "with the last checkpoint in %s intact", k, loss, dir));
                    }
                    windowSteps++;
                    if ((k + 1) % cfg.run().logEvery() == 0 || k + 1 == spec.steps()) {
                        double seconds = (System.nanoTime() - windowStart) / 1e9;
                        log(ctx, k, l, loss, seconds / windowSteps, b);
                        windowStart = System.nanoTime();
                        windowSteps = 0;
                    }
                }
                progress.update(k - epochFirst + 1, String.format(Locale.ROOT, "loss %.4f", loss));
                long done = k + 1;
                boolean stop = ctx.stopAt() > 0 && done == ctx.stopAt();
                if (done % cfg.run().checkpointEvery() == 0 || done == spec.steps() || stop) {
                    if (!Checkpoints.finite(online)) {
                        throw new TrainingDiverged(String.format(Locale.ROOT, "pretrain step %d: the parameters are "
                                + "no longer finite; stopped with the last checkpoint in %s intact", k, dir));
                    }
                    save(dir, done, online, target, optimizer, noise);
                }
                if (stop && done < spec.steps()) {
                    ctx.out().printf(Locale.ROOT, "pretrain: stopped at step %d as asked; continue with --resume%n", done);
                    return new Outcome(online, false);
                }
            }
        }
        return new Outcome(online, true);
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

    private static void save(Path dir, long done, PretrainNetwork online, PretrainNetwork target, AdamW optimizer,
                             Generator noise) {
        Map<String, String> meta = new LinkedHashMap<>(Safetensors.PYTORCH_METADATA);
        meta.put("stage", STAGE);
        meta.put("step", Long.toString(done));
        SequencedMap<String, HostArray> state = StateFiles.of(target, "target.");
        state.putAll(StateFiles.of(optimizer.state(), ""));
        Map<String, String> stateMeta = new LinkedHashMap<>(meta);
        stateMeta.put("adam_step", Integer.toString(optimizer.stepCount()));
        stateMeta.put("noise_counter", Long.toString(noise.counter()));
        // the state first: a crash between the two writes leaves a model older than its state, which resume detects
        Safetensors.write(StateFiles.stateFile(dir), state, stateMeta);
        Safetensors.write(StateFiles.modelFile(dir), StateFiles.of(online, ""), meta);
    }

    private static long restore(Path dir, PretrainNetwork online, PretrainNetwork target, AdamW optimizer) {
        SafetensorsFile model = Safetensors.read(StateFiles.modelFile(dir));
        SafetensorsFile state = Safetensors.read(StateFiles.stateFile(dir));
        long step = Checkpoints.step(model), stateStep = Checkpoints.step(state);
        if (step != stateStep) {
            throw new IllegalStateException(dir + ": model.safetensors is at step " + step + " but state.safetensors at step "
                    + stateStep + "; the run was interrupted while saving, so it cannot resume exactly");
        }
        StateFiles.load(model, online, "");
        StateFiles.load(state, target, "target.");
        optimizer.restore(Integer.parseInt(state.metadata().get("adam_step")), StateFiles.floats(state, optimizer.state()));
        return step;
    }
}
