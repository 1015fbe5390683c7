package rrcm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import rrcm.backend.Backends;
import rrcm.model.KarrasSchedule;
import rrcm.model.PretrainNetwork;
import rrcm.model.VitConfig;
import rrcm.nn.Init;
import rrcm.optim.AdamW;
import rrcm.optim.Schedules;
import rrcm.tensor.Generator;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;
import rrcm.testing.TorchVit;
import rrcm.workflows.PretrainSpec;
import rrcm.workflows.PretrainStep;

/**
 * One whole pre-training step (docs/method.md 2.3: two strong views and a weak one, online and EMA-target
 * passes, symmetric contrastive and consistency InfoNCE, backward, clipping, AdamW, EMA) on the small
 * configurations, ours beside the same step composed from libtorch ops in eager mode, same batch,
 * same threads. Throughput in steps per second; images per second is that times the batch. The secondary
 * {@code gflop} score is the step's products (GEMM, attention, InfoNCE, counted by the CPU backend; the
 * same work for both sides) per second, to set against {@link PeakFlopsBench}'s peak.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(1)
public class PretrainStepBench {
    /** quickstart: the built-in quickstart's ViT (patch 7, dim 96); small: patch 4, dim 128 (51 tokens). */
    @Param({"quickstart", "small"})
    public String model;

    @Param({"128"})
    public int batch;

    private VitConfig vit;
    private PretrainStep ours;
    private float[] viewA, viewB, weak;
    private long step;

    private NDManager torch;
    private Map<String, NDArray> online, target, onlineBuffers, targetBuffers, m1, m2;
    private int torchStep;
    /** The arrays that live across steps; everything else a step makes is closed after it. */
    private final Set<NDArray> persistent = Collections.newSetFromMap(new IdentityHashMap<>());

    static final PretrainSpec SPEC = new PretrainSpec(1000, 128, 5e-4f, 0f, 10, 2f, 0.2f, 0.99, 0.9999, 1000, 15, 512, 256);

    @Setup(Level.Trial)
    public void setup() {
        vit = model.equals("quickstart") ? new VitConfig(28, 1, 7, 96, 4, 4, 4) : new VitConfig(28, 1, 4, 128, 4, 4, 4);
        var be = Backends.cpu();
        PretrainNetwork on = new PretrainNetwork(be, new Init(1), vit, SPEC.projectorHidden(), SPEC.projectorOut());
        PretrainNetwork tg = new PretrainNetwork(be, new Init(1), vit, SPEC.projectorHidden(), SPEC.projectorOut());
        PretrainStep.initTarget(tg, on);
        AdamW opt = new AdamW(AdamW.uniform(on.namedParameters(), 0f), 0.9f, 0.999f, 1e-8f);
        ours = new PretrainStep(be, on, tg, opt, SPEC, new Generator(2), 2);
        int n = batch * 28 * 28;
        viewA = uniform(3, n);
        viewB = uniform(4, n);
        weak = uniform(5, n);
        long before = Backends.cpu().productFlops();
        ours(new GemmBench.Flops());
        stepGflop = (Backends.cpu().productFlops() - before) * 1e-9;
        step = 0;

        torch = NDManager.newBaseManager("PyTorch");
        online = copy(on.namedParameters(), true);
        target = copy(tg.namedParameters(), false);
        onlineBuffers = copy(on.namedBuffers(), false);
        targetBuffers = copy(tg.namedBuffers(), false);
        m1 = zerosLike(online);
        m2 = zerosLike(online);
        for (Map<String, NDArray> kept : List.of(online, target, onlineBuffers, targetBuffers, m1, m2)) persistent.addAll(kept.values());
        persistent.addAll(torch.getManagedArrays());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        torch.close();
    }

    private static float[] uniform(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble();
        return v;
    }

    private Map<String, NDArray> copy(Map<String, Tensor> src, boolean grad) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        src.forEach((k, t) -> {
            long[] s = new long[t.rank()];
            for (int i = 0; i < s.length; i++) s[i] = t.size(i);
            NDArray a = torch.create(t.toFloatArray(), new Shape(s));
            if (grad) a.setRequiresGradient(true);
            out.put(k, a);
        });
        return out;
    }

    private Map<String, NDArray> zerosLike(Map<String, NDArray> src) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        src.forEach((k, a) -> out.put(k, torch.zeros(a.getShape())));
        return out;
    }

    /** The products of one step (GEMM, attention, InfoNCE), in GFLOP, counted by the CPU backend in setup. */
    private double stepGflop;

    @Benchmark
    public float ours(GemmBench.Flops f) {
        f.gflop += stepGflop;
        try (MemoryScope s = MemoryScope.open()) {
            return ours.run(step++, viewA, viewB, weak, batch, 1, 28, 28).total().item();
        }
    }

    @Benchmark
    public float libtorch(GemmBench.Flops f) {
        f.gflop += stepGflop;
        int k = torchStep++;
        try (NDManager m = torch.newSubManager()) {
            Shape shape = new Shape(batch, 1, 28, 28);
            NDArray xa = m.create(viewA, shape).mul(2).sub(1), xb = m.create(viewB, shape).mul(2).sub(1);
            NDArray x0 = m.create(weak, shape).mul(2).sub(1);
            NDArray z = m.randomNormal(shape);
            double t0 = KarrasSchedule.SIGMA_MIN;
            int levels = KarrasSchedule.levels(k, SPEC.steps());
            double[] grid = KarrasSchedule.grid(levels);
            int n = k % (levels - 1);
            NDArray loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray inA = at(xa, z, t0), inB = at(xb, z, t0);
                NDArray pa = project(m, inA, t0, online, onlineBuffers), pb = project(m, inB, t0, online, onlineBuffers);
                NDArray ta = project(m, inA, t0, target, targetBuffers).stopGradient();
                NDArray tb = project(m, inB, t0, target, targetBuffers).stopGradient();
                NDArray q = TorchVit.encoder(m, vit, at(x0, z, grid[n]), grid[n], online);
                NDArray key = TorchVit.encoder(m, vit, at(x0, z, grid[n + 1]), grid[n + 1], online).stopGradient();
                loss = infoNce(m, pa, tb).add(infoNce(m, pb, ta)).add(infoNce(m, q, key));
                gc.backward(loss);
            }
            float lr = Schedules.warmupCosine(SPEC.lr(), k, SPEC.warmupSteps(), SPEC.steps());
            // global-norm clipping after warmup, AdamW, EMA: the same arithmetic, eager
            NDArray sq = m.zeros(new Shape());
            for (NDArray p : online.values()) sq = sq.add(p.getGradient().square().sum());
            float norm = (float) Math.sqrt(sq.getFloat());
            float coef = k >= SPEC.warmupSteps() ? Math.min(1f, SPEC.clipNorm() / (norm + 1e-6f)) : 1f;
            int t = k + 1;
            float bc1 = (float) (1 - Math.pow(0.9, t)), bc2 = (float) (1 - Math.pow(0.999, t));
            float mu = Schedules.emaRate(k, SPEC.emaSteps(), SPEC.emaStart(), SPEC.emaEnd(), SPEC.emaSharpness());
            for (Map.Entry<String, NDArray> e : online.entrySet()) {
                NDArray p = e.getValue(), grad = p.getGradient(), g = grad.mul(coef);
                NDArray a = m1.get(e.getKey()).muli(0.9f).addi(g.mul(0.1f));
                NDArray b = m2.get(e.getKey()).muli(0.999f).addi(g.square().muli(0.001f));
                p.subi(a.div(bc1).divi(b.div(bc2).sqrt().addi(1e-8f)).muli(lr));
                target.get(e.getKey()).muli(mu).addi(p.mul(1 - mu));
                grad.muli(0f);
            }
            return loss.getFloat();
        } finally {
            sweep();
        }
    }

    /**
     * Closes what a step left in the base manager. An op's result joins its first operand's manager, and
     * for the weights, the optimizer moments and each {@code getGradient()} handle that is the long-lived
     * base manager, not the step's: without this sweep the step leaks several models' worth of arrays per
     * call and libtorch slows down until the fork runs out of memory. (PyTorch frees them by reference
     * counting; this is the same bookkeeping, done by hand.)
     */
    private void sweep() {
        for (NDArray a : torch.getManagedArrays()) {
            if (!persistent.contains(a)) a.close();
        }
    }

    private static NDArray at(NDArray x, NDArray z, double t) {
        return x.add(z.mul((float) t)).mul((float) KarrasSchedule.cIn(t));
    }

    private NDArray project(NDManager m, NDArray images, double t, Map<String, NDArray> w, Map<String, NDArray> buffers) {
        return TorchVit.projector(TorchVit.encoder(m, vit, images, t, w), w, buffers);
    }

    private static NDArray infoNce(NDManager m, NDArray q, NDArray k) {
        int b = (int) q.getShape().get(0);
        NDArray logits = q.normalize(2, 1, 1e-12).matMul(k.normalize(2, 1, 1e-12).transpose()).div(0.2f);
        NDArray diagonal = m.arange(b).toType(DataType.INT64, false).reshape(b, 1);
        return logits.logSoftmax(1).gather(diagonal, 1).mean().neg();
    }
}
