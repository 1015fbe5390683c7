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
import rrcm.model.Denoiser;
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
        Checkpoints.Resumed resumed = Checkpoints.start(ctx, resume, dir, STAGE, model, optimizer, List.of(), spec.steps());
        long start = resumed.step();
        if (start >= spec.steps()) return new Outcome(model, true);
        ctx.out().printf(Locale.ROOT, "denoise: ViT %dx%d/%d, dim %d, depth %d, %,d parameters, %d steps of %d images (%s, %d images)%n",
                size, size, vit.patchSize(), vit.dim(), vit.depth(), model.parameterCount(), spec.steps(), spec.batchSize(),
                train.name(), train.size());
        Generator noise = new Generator(seed, NOISE_STREAM, resumed.noiseCounter());
        DenoiseStep step = new DenoiseStep(ctx.backend(), model, optimizer, spec, noise, seed);
        int b = spec.batchSize();
        StageLoop<DenoiseStep.Terms> loop = new StageLoop<>(ctx, STAGE, dir, model, done -> done % cfg.run().checkpointEvery() == 0,
                new StageLoop.Body<>() {
                    @Override
                    public DenoiseStep.Terms run(long k, Batch batch) {
                        return step.run(k, batch.views().get(0), b, c, size, size);
                    }

                    @Override
                    public float loss(DenoiseStep.Terms t) {
                        return t.loss().item();
                    }

                    @Override
                    public void log(long k, DenoiseStep.Terms t, float loss, double secondsPerStep) {
                        Denoising.log(ctx, k, loss, t, secondsPerStep, b);
                    }

                    @Override
                    public void save(long done) {
                        Checkpoints.save(dir, STAGE, done, model, new LinkedHashMap<>(), optimizer, noise);
                    }
                });
        try (Loader loader = new Loader(train, b, true, seed + 2, true, List.of(Augment.none()), cfg.run().workers(), 2)) {
            StageLoop.batchesPerEpoch(loader, "denoise", b);
            return new Outcome(model, loop.run(loader, start, spec.steps()));
        }
    }

    /**
     * The denoising error on the first images of a data set at noise sigma (pixel space): noisy copies
     * u + sigma eps from a fixed stream, denoised in one step at their noise level (2 sigma in model space).
     */
    public static Error evaluate(RunContext ctx, Denoiser model, ImageDataset data, double sigma, int maxImages) {
        int limit = maxImages == 0 ? data.size() : Math.min(data.size(), maxImages);
        int c = data.channels(), size = data.height(), batchSize = ctx.config().eval().batchSize();
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
                    Tensor denoised = model.denoise(noisy, 2 * sigma);
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
}
