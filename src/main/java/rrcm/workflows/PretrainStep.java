package rrcm.workflows;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import rrcm.backend.Backend;
import rrcm.model.InfoNCE;
import rrcm.model.KarrasSchedule;
import rrcm.model.PretrainNetwork;
import rrcm.optim.AdamW;
import rrcm.optim.Ema;
import rrcm.optim.GradClip;
import rrcm.optim.Schedules;
import rrcm.tensor.Autograd;
import rrcm.tensor.Generator;
import rrcm.tensor.Tensor;

/**
 * One step of contrastive-denoising pre-training (docs/method.md 2.3), inside a memory scope:
 * one z per step shared by every input; the symmetric contrastive InfoNCE between the online
 * projections of two strong views at t0 = sigma_min and the EMA target's projections of the other
 * view; the consistency InfoNCE between the online CLS features at adjacent levels t_n and t_{n+1}
 * of one trajectory (the cleaner one under stop-gradient); AdamW; then the target's EMA update.
 */
public final class PretrainStep {
    /** The loss terms of a step, still on the backend until someone reads them. */
    public record Losses(Tensor total, Tensor contrastive, Tensor consistency, Tensor gradNorm, int levels, int level,
                         float lr, float ema) {}

    private final PretrainNetwork online;
    private final PretrainNetwork target;
    private final AdamW optimizer;
    private final PretrainSpec spec;
    private final Generator noise;
    private final long seed;
    private final Backend backend;

    public PretrainStep(Backend be, PretrainNetwork online, PretrainNetwork target, AdamW optimizer, PretrainSpec spec,
                        Generator noise, long seed) {
        this.backend = be;
        this.online = online;
        this.target = target;
        this.optimizer = optimizer;
        this.spec = spec;
        this.noise = noise;
        this.seed = seed;
    }

    /** The level index n ~ U{0..N-2} of step k, a pure function of (seed, k) so that resumed runs draw the same. */
    static int level(long seed, long step, int levels) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step).nextInt(levels - 1);
    }

    /**
     * Runs step k on views a, b (strong augmentations) and weak (B, C, H, W) in [0, 1]. The returned tensors
     * belong to the caller's scope: open one around this call and read what you log before closing it.
     */
    public Losses run(long step, float[] viewA, float[] viewB, float[] weak, int b, int c, int h, int w) {
        online.train(true);
        target.train(true); // the target's BatchNorm uses batch statistics, as the online one
        Tensor xa = Images.upload(backend, viewA, b, c, h, w);
        Tensor xb = Images.upload(backend, viewB, b, c, h, w);
        Tensor x0 = Images.upload(backend, weak, b, c, h, w);
        Tensor z = Images.noise(noise, backend, new int[] {b, c, h, w});

        double t0 = KarrasSchedule.SIGMA_MIN;
        Tensor inA = Images.atTimes(xa, z, t0)[0], inB = Images.atTimes(xb, z, t0)[0];
        Tensor pa = online.project(inA, t0), pb = online.project(inB, t0);
        Tensor ta, tb;
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            ta = target.project(inA, t0);
            tb = target.project(inB, t0);
        }
        Tensor contrastive = InfoNCE.loss(pa, tb, spec.tau()).add(InfoNCE.loss(pb, ta, spec.tau()));

        int levels = KarrasSchedule.levels(step, spec.steps());
        double[] grid = KarrasSchedule.grid(levels);
        int n = level(seed, step, levels);
        Tensor consistency, loss;
        if (spec.consistencyWeight() > 0) {
            Tensor[] pair = Images.atTimes(x0, z, grid[n], grid[n + 1]); // one z, two adjacent levels, one pass
            Tensor query = online.encoder.forward(pair[0], grid[n]);
            Tensor key;
            try (Autograd.NoGrad ignored = Autograd.noGrad()) {
                key = online.encoder.forward(pair[1], grid[n + 1]);
            }
            consistency = InfoNCE.loss(query, key, spec.tau());
            loss = contrastive.add(spec.consistencyWeight() == 1f ? consistency : consistency.mul(spec.consistencyWeight()));
        } else {
            // the ablation without the consistency term: its passes are skipped, and it logs as 0
            try (Autograd.NoGrad ignored = Autograd.noGrad()) {
                consistency = contrastive.mul(0f);
            }
            loss = contrastive;
        }

        optimizer.zeroGrad();
        loss.backward();
        List<Tensor> params = online.parameters();
        Tensor gradNorm = step >= spec.warmupSteps() && spec.clipNorm() > 0
                ? GradClip.clip(params, spec.clipNorm()) : GradClip.globalNorm(params);
        float lr = Schedules.warmupCosine(spec.lr(), step, spec.warmupSteps(), spec.steps());
        optimizer.step(lr);
        float mu = Schedules.emaRate(step, spec.emaSteps(), spec.emaStart(), spec.emaEnd(), spec.emaSharpness());
        Ema.update(target.namedParameters(), online.namedParameters(), mu);
        return new Losses(loss, contrastive, consistency, gradNorm, levels, n, lr, mu);
    }

    /** Starts the target as a copy of the online network. */
    public static void initTarget(PretrainNetwork target, PretrainNetwork online) {
        Ema.copy(target.namedParameters(), online.namedParameters());
        Map<String, Tensor> tb = target.namedBuffers(), ob = online.namedBuffers();
        tb.forEach((k, t) -> rrcm.tensor.InPlace.copy(t, ob.get(k)));
    }
}
