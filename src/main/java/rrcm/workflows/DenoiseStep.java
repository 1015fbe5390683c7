package rrcm.workflows;

import java.util.SplittableRandom;
import rrcm.backend.Backend;
import rrcm.model.Denoiser;
import rrcm.model.Edm;
import rrcm.optim.AdamW;
import rrcm.optim.GradClip;
import rrcm.optim.Schedules;
import rrcm.tensor.Generator;
import rrcm.tensor.Tensor;

/**
 * One step of denoiser training: clean images y in [-1, 1], a time t_i per image, noisy inputs
 * y_i + t_i eps_i, the preconditioned denoiser D, EDM's weighted squared error, clipping, AdamW.
 */
public final class DenoiseStep {
    /** The step's loss and gradient norm, still on the backend, and the learning rate it used. */
    public record Terms(Tensor loss, Tensor gradNorm, float lr) {}

    private final Backend backend;
    private final Denoiser model;
    private final AdamW optimizer;
    private final DenoiseSpec spec;
    private final Generator noise;
    private final long seed;

    public DenoiseStep(Backend be, Denoiser model, AdamW optimizer, DenoiseSpec spec, Generator noise, long seed) {
        this.backend = be;
        this.model = model;
        this.optimizer = optimizer;
        this.spec = spec;
        this.noise = noise;
        this.seed = seed;
    }

    /** The times of step k's b images: a pure function of (seed, k), so that a resumed run draws the same. */
    static double[] times(long seed, long step, int b) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x5DEECE66DL * (step + 1));
        double[] t = new double[b];
        for (int i = 0; i < b; i++) t[i] = Edm.trainingTime(r.nextGaussian());
        return t;
    }

    /** Runs step k on a batch (B, C, H, W) in [0, 1]; the tensors returned belong to the caller's scope. */
    public Terms run(long step, float[] pixels, int b, int c, int h, int w) {
        model.train(true);
        Tensor clean = Images.upload(backend, pixels, b, c, h, w);
        double[] t = times(seed, step, b);
        Tensor noisy = Denoiser.noised(clean, Images.noise(noise, backend, new int[] {b, c, h, w}), t);
        Tensor loss = Denoiser.loss(model.denoise(noisy, t), clean, t);
        optimizer.zeroGrad();
        loss.backward();
        var params = model.parameters();
        Tensor gradNorm = spec.clipNorm() > 0 ? GradClip.clip(params, spec.clipNorm()) : GradClip.globalNorm(params);
        float lr = Schedules.warmupCosine(spec.lr(), step, spec.warmupSteps(), spec.steps());
        optimizer.step(lr);
        return new Terms(loss, gradNorm, lr);
    }
}
