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
import rrcm.model.Denoiser;
import rrcm.model.KarrasSchedule;
import rrcm.model.VisionTransformer;
import rrcm.model.VitConfig;
import rrcm.nn.Init;
import rrcm.optim.AdamW;
import rrcm.tensor.Autograd;
import rrcm.tensor.Generator;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;

/**
 * The denoiser's training stage (run.stages: denoise): {@link DenoiseStep}s over the clean training
 * images, checkpoints every run.checkpoint_every steps and at the end, exact resume (data position,
 * noise counter, optimizer moments; the times are a function of the step), and at the end the
 * denoising error at the noise levels a smoothed classifier certifies at.
 */
public final class Denoising {
    public static final String STAGE = "denoise";
    static final long NOISE_STREAM = 13;
    static final long EVAL_STREAM = 22;
    /** The noise levels (pixel space) the end-of-run error is reported at. */
    public static final double[] EVAL_SIGMAS = {0.25, 0.5};

    private Denoising() {}

    public record Outcome(Denoiser model, boolean finished) {}

    /** Mean squared error per pixel (pixels in [0, 1]) of the noisy images and of their denoised versions. */
    public record Error(double sigma, int images, double noisy, double denoised) {}

    public static Outcome run(RunContext ctx, ImageDataset train, boolean resume) {
        TrainConfig cfg = ctx.config();
        DenoiseSpec spec = cfg.denoise();
        int size = train.height(), c = train.channels();
        VitConfig vit = cfg.model().vit(size, c);
        long seed = cfg.run().seed();
        Denoiser model = new Denoiser(ctx.backend(), new VisionTransformer(ctx.backend(), new Init(seed), vit));
        AdamW optimizer = new AdamW(AdamW.uniform(model.namedParameters(), spec.weightDecay()), 0.9f, 0.999f, 1e-8f);
        Path dir = ctx.dir().stage(STAGE);
        long start = 0, noiseCounter = 0;
        if (resume && Files.exists(StateFiles.stateFile(dir))) {
            SafetensorsFile m = Safetensors.read(StateFiles.modelFile(dir)), s = Safetensors.read(StateFiles.stateFile(dir));
            start = Checkpoints.step(m);
            if (Checkpoints.step(s) != start) {
                throw new IllegalStateException(dir + ": model and state checkpoints are at different steps; the run "
                        + "was interrupted while saving, so it cannot resume exactly");
            }
            StateFiles.load(m, model, "");
            optimizer.restore(Integer.parseInt(s.metadata().get("adam_step")), StateFiles.floats(s, optimizer.state()));
            noiseCounter = Long.parseLong(s.metadata().get("noise_counter"));
            ctx.dir().truncateMetrics(STAGE, start, List.of());
            ctx.out().printf(Locale.ROOT, "denoise: resuming at step %d of %d%n", start, spec.steps());
        }
        if (start >= spec.steps()) return new Outcome(model, true);
        ctx.out().printf(Locale.ROOT, "denoise: ViT %dx%d/%d, dim %d, depth %d, %,d parameters, %d steps of %d images (%s, %d images)%n",
                size, size, vit.patchSize(), vit.dim(), vit.depth(), model.parameterCount(), spec.steps(), spec.batchSize(),
                train.name(), train.size());
        Generator noise = new Generator(seed, NOISE_STREAM, noiseCounter);
        DenoiseStep step = new DenoiseStep(ctx.backend(), model, optimizer, spec, noise, seed);
        int b = spec.batchSize();
        try (Loader loader = new Loader(train, b, true, seed + 2, true, List.of(Augment.none()), cfg.run().workers(), 2)) {
            int perEpoch = loader.batchesPerEpoch();
            if (perEpoch == 0) {
                throw new IllegalArgumentException("denoise.batch_size " + b + " is larger than the training set ("
                        + train.size() + " images)");
            }
            loader.startAt((int) (start / perEpoch), (int) (start % perEpoch));
            Progress progress = null;
            long epochFirst = start, windowStart = System.nanoTime(), windowSteps = 0;
            for (long k = start; k < spec.steps(); k++) {
                if (progress == null || k % perEpoch == 0) {
                    epochFirst = k;
                    long epochEnd = Math.min(spec.steps(), (k / perEpoch + 1) * perEpoch);
                    progress = Progress.onStderr(String.format(Locale.ROOT, "denoise epoch %d", k / perEpoch), epochEnd - k);
                }
                Batch batch = loader.next();
                float loss;
                try (MemoryScope scope = MemoryScope.open()) {
                    DenoiseStep.Terms t = step.run(k, batch.views().get(0), b, c, size, size);
                    loss = t.loss().item();
                    if (!Float.isFinite(loss)) {
                        throw new TrainingDiverged(String.format(Locale.ROOT, "denoise step %d: the loss is %s; stopped "
                                + "with the last checkpoint in %s intact", k, loss, dir));
                    }
                    windowSteps++;
                    if ((k + 1) % cfg.run().logEvery() == 0 || k + 1 == spec.steps()) {
                        double seconds = (System.nanoTime() - windowStart) / 1e9;
                        log(ctx, k, loss, t, seconds / windowSteps, b);
                        windowStart = System.nanoTime();
                        windowSteps = 0;
                    }
                }
                progress.update(k - epochFirst + 1, String.format(Locale.ROOT, "loss %.4f", loss));
                long done = k + 1;
                boolean stop = ctx.stopAt() > 0 && done == ctx.stopAt();
                if (done % cfg.run().checkpointEvery() == 0 || done == spec.steps() || stop) {
                    if (!Checkpoints.finite(model)) {
                        throw new TrainingDiverged(String.format(Locale.ROOT, "denoise step %d: the parameters are "
                                + "no longer finite; stopped with the last checkpoint in %s intact", k, dir));
                    }
                    save(dir, done, model, optimizer, noise);
                }
                if (stop && done < spec.steps()) {
                    ctx.out().printf(Locale.ROOT, "denoise: stopped at step %d as asked; continue with --resume%n", done);
                    return new Outcome(model, false);
                }
            }
        }
        return new Outcome(model, true);
    }

    /**
     * The denoising error on the first images of a data set at noise sigma (pixel space): noisy copies
     * u + sigma eps from a fixed stream, denoised in one step at the time the smoothed classifier uses.
     */
    public static Error evaluate(RunContext ctx, Denoiser model, ImageDataset data, double sigma, int maxImages) {
        int limit = maxImages == 0 ? data.size() : Math.min(data.size(), maxImages);
        int c = data.channels(), size = data.height(), batchSize = ctx.config().eval().batchSize();
        double t = KarrasSchedule.timeForSigma(sigma);
        Generator noise = new Generator(ctx.config().run().seed(), EVAL_STREAM, 0);
        double noisySum = 0, denoisedSum = 0;
        int seen = 0;
        model.train(false);
        try (Loader loader = new Loader(data, batchSize, false, 0, false, List.of(Augment.none()), ctx.config().run().workers(), 2);
             Autograd.NoGrad ng = Autograd.noGrad()) {
            loader.endBefore(1);
            for (Batch batch = loader.next(); batch != null && seen < limit; batch = loader.next()) {
                int b = Math.min(batch.labels().length, limit - seen);
                float[] pixels = java.util.Arrays.copyOf(batch.views().get(0), b * c * size * size);
                try (MemoryScope s = MemoryScope.open()) {
                    Tensor clean = Images.upload(ctx.backend(), pixels, b, c, size, size);
                    Tensor noisy = clean.add(noise.normal(ctx.backend(), 0f, 1f, b, c, size, size).mul((float) (2 * sigma)));
                    Tensor denoised = model.denoiseScaled(noisy.mul((float) KarrasSchedule.cIn(t)), t);
                    // model space is twice pixel space: squared errors are four times larger
                    noisySum += squaredError(noisy, clean) / 4;
                    denoisedSum += squaredError(denoised, clean) / 4;
                }
                seen += b;
            }
        }
        model.train(true);
        long values = (long) seen * c * size * size;
        return new Error(sigma, seen, noisySum / values, denoisedSum / values);
    }

    private static double squaredError(Tensor a, Tensor b) {
        Tensor d = a.sub(b);
        return d.mul(d).sum().item();
    }

    private static void log(RunContext ctx, long k, float loss, DenoiseStep.Terms t, double secondsPerStep, int b) {
        float norm = t.gradNorm().item();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", STAGE);
        m.put("step", k);
        m.put("loss", loss);
        m.put("grad_norm", norm);
        m.put("lr", t.lr());
        m.put("ms_per_step", secondsPerStep * 1000);
        m.put("img_per_s", b / secondsPerStep);
        ctx.dir().log(m);
        ctx.out().printf(Locale.ROOT, "denoise step %d  loss %.4f  lr %.2e  grad norm %.3f  %.0f ms/step  %s%n", k + 1, loss,
                t.lr(), norm, secondsPerStep * 1000, RunContext.rate(b, secondsPerStep));
    }

    private static void save(Path dir, long done, Denoiser model, AdamW optimizer, Generator noise) {
        Map<String, String> meta = new LinkedHashMap<>(Safetensors.PYTORCH_METADATA);
        meta.put("stage", STAGE);
        meta.put("step", Long.toString(done));
        SequencedMap<String, HostArray> state = StateFiles.of(optimizer.state(), "");
        Map<String, String> stateMeta = new LinkedHashMap<>(meta);
        stateMeta.put("adam_step", Integer.toString(optimizer.stepCount()));
        stateMeta.put("noise_counter", Long.toString(noise.counter()));
        // the state first: a crash between the two writes leaves a model older than its state, which resume detects
        Safetensors.write(StateFiles.stateFile(dir), state, stateMeta);
        Safetensors.write(StateFiles.modelFile(dir), StateFiles.of(model, ""), meta);
    }
}
