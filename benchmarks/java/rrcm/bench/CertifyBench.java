package rrcm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import rrcm.backend.Backend;
import rrcm.backend.Backends;
import rrcm.certify.SmoothedClassifier;
import rrcm.model.Classifier;
import rrcm.model.DenoiseThenClassify;
import rrcm.model.Denoiser;
import rrcm.model.KarrasSchedule;
import rrcm.model.TimeEmbedding;
import rrcm.model.VisionTransformer;
import rrcm.model.VitConfig;
import rrcm.nn.Init;
import rrcm.tensor.Autograd;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;

/**
 * Certification throughput in noisy samples per second: one batch of 500 noisy copies of a 28x28 image
 * through a Fashion-MNIST-sized classifier (ViT with depth 4, 4 heads, 10 classes; random weights) at
 * sigma 0.25, votes counted. Two sizes: patch 4 and dim 128 (51 tokens), and the current quickstart's
 * patch 7 and dim 96 (18 tokens). Ours: {@link SmoothedClassifier} (Philox noise, forward,
 * argmax, one-hot sums on the backend, one copy of the counts to the host). libtorch through DJL: the
 * same steps composed from its ops (randn, the same network with attention as matmul-softmax-matmul,
 * since DJL exposes no fused attention, argmax, one-hot sums), same weights, same number of threads.
 * The forward pass alone is measured too, on the same input for both. The secondary {@code gflop} score
 * is the forward's products (GEMM and attention, counted by the CPU backend) per second, for both sides
 * the same work: divided by {@link PeakFlopsBench}'s peak it says how much of the machine the pass uses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1)
public class CertifyBench {
    static final int BATCH = 500, CLASSES = 10;
    static final double SIGMA = 0.25;

    /** patch size / model dim. */
    @Param({"4/128", "7/96"})
    public String model;

    private VitConfig config;
    private Backend be;
    private Classifier classifier;
    private SmoothedClassifier smoothed;
    /** Denoise-then-classify (DDS) with a denoiser of the same ViT: the diffusion certifiers' cost per sample. */
    private SmoothedClassifier denoised;
    private float[] image;
    private Tensor input;
    private double time;
    private float cIn;
    private NDManager torch;
    private Map<String, NDArray> weights;
    /** Linear weights transposed once (views), so that each forward makes no new arrays outside its manager. */
    private Map<String, NDArray> transposed;
    private NDArray torchImage, torchInput, timeToken;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = model.split("/");
        config = new VitConfig(28, 1, Integer.parseInt(p[0]), Integer.parseInt(p[1]), 4, 4, 4);
        be = Backends.cpu();
        classifier = new Classifier(be, new VisionTransformer(be, new Init(1), config), new Init(2), CLASSES);
        classifier.train(false);
        time = KarrasSchedule.timeForSigma(SIGMA);
        cIn = (float) KarrasSchedule.cIn(time);
        smoothed = new SmoothedClassifier(be, classifier, 1, 28, CLASSES, SIGMA, BATCH, 0);
        Denoiser denoiser = new Denoiser(be, new VisionTransformer(be, new Init(3), config));
        denoiser.train(false);
        denoised = new SmoothedClassifier(be, new DenoiseThenClassify(denoiser, classifier, KarrasSchedule.SIGMA_MIN,
                2 * SIGMA), 1, 28, CLASSES, SIGMA, BATCH, 0);
        SplittableRandom r = new SplittableRandom(3);
        image = new float[28 * 28];
        for (int i = 0; i < image.length; i++) image[i] = (float) r.nextDouble();
        float[] noisy = new float[BATCH * image.length];
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] = cIn * (float) (2 * image[i % image.length] - 1 + 2 * SIGMA * r.nextGaussian());
        }
        input = Tensor.persistent(be, noisy, BATCH, 1, 28, 28);

        torch = NDManager.newBaseManager("PyTorch"); // loads libtorch, before the thread count is set
        JniUtils.setNumThreads(Backends.cpuThreads());
        if (JniUtils.getNumThreads() != Backends.cpuThreads()) {
            throw new IllegalStateException("libtorch runs " + JniUtils.getNumThreads() + " threads, ours " + Backends.cpuThreads());
        }
        weights = new HashMap<>();
        transposed = new HashMap<>();
        classifier.stateDict().forEach((name, t) -> {
            NDArray a = torch.create(t.toFloatArray(), shape(t.shape()));
            weights.put(name, a);
            if (name.endsWith(".weight") && t.rank() == 2) transposed.put(name, a.transpose());
        });
        NDArray patch = weights.get("patch_embed.proj.weight");
        transposed.put("patch_embed.proj.weight", patch.reshape(config.dim(), config.patchPixels()).transpose());
        torchImage = torch.create(image, new Shape(1, 1, 28, 28)).mul(2f).sub(1f).mul(cIn);
        torchInput = torch.create(noisy, new Shape(BATCH, 1, 28, 28));
        int d = config.dim();
        timeToken = torch.create(TimeEmbedding.sinusoidal(time, d), new Shape(1, 1, d)).broadcast(BATCH, 1, d);
        checkSameNetwork();
        long before = Backends.cpu().productFlops();
        forward(new GemmBench.Flops());
        forwardGflop = (Backends.cpu().productFlops() - before) * 1e-9;
    }

    /** The products of one forward of the batch, in GFLOP (counted by the CPU backend in setup). */
    private double forwardGflop;

    // The two renderings must compute the same logits, or the comparison means nothing.
    private void checkSameNetwork() {
        float[] ours;
        try (Autograd.NoGrad ng = Autograd.noGrad(); MemoryScope s = MemoryScope.open()) {
            ours = classifier.forward(input, time).toFloatArray();
        }
        try (NDManager m = torch.newSubManager()) {
            float[] theirs = torchForward(m, copyOf(torchInput, m)).toFloatArray();
            double worst = 0, scale = 0;
            for (int i = 0; i < ours.length; i++) {
                worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
                scale = Math.max(scale, Math.abs(theirs[i]));
            }
            if (worst > 1e-4 * Math.max(1, scale)) throw new IllegalStateException("logits differ from libtorch's by " + worst);
        }
    }

    private static Shape shape(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return new Shape(l);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        torch.close();
    }

    /** Ours: noise, forward, argmax and vote counting for 500 copies; the counts end on the host. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long[] certifyBatch(GemmBench.Flops f) {
        f.gflop += forwardGflop;
        return smoothed.counts(0, image, SmoothedClassifier.Phase.ESTIMATION, 0, BATCH);
    }

    /**
     * The same batch certified through denoise-then-classify: every copy denoised in one step by a denoiser of
     * the classifier's size, then classified; certifyBatch over this is rRCM's cost ratio to DDS (issue target:
     * at most 1/2), measured side by side in one run.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long[] certifyBatchDenoised() {
        return denoised.counts(0, image, SmoothedClassifier.Phase.ESTIMATION, 0, BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] torchCertifyBatch(GemmBench.Flops f) {
        f.gflop += forwardGflop;
        try (NDManager m = torch.newSubManager()) {
            NDArray noise = m.randomNormal(0f, (float) (2 * SIGMA * cIn), new Shape(BATCH, 1, 28, 28), DataType.FLOAT32);
            NDArray votes = torchForward(m, noise.add(torchImage)).argMax(1).oneHot(CLASSES).sum(new int[] {0});
            return votes.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    /** The forward pass alone (logits of 500 prepared inputs), ours. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float forward(GemmBench.Flops f) {
        f.gflop += forwardGflop;
        try (Autograd.NoGrad ng = Autograd.noGrad(); MemoryScope s = MemoryScope.open()) {
            return classifier.forward(input, time).argmax(1).toFloat().sum().item();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float torchForwardOnly(GemmBench.Flops f) {
        f.gflop += forwardGflop;
        try (NDManager m = torch.newSubManager()) {
            return torchForward(m, copyOf(torchInput, m)).argMax(1).toType(DataType.FLOAT32, false).sum().getFloat();
        }
    }

    private static NDArray copyOf(NDArray a, NDManager m) {
        NDArray c = a.duplicate();
        c.attach(m);
        return c;
    }

    /**
     * The classifier in libtorch ops, weights by their timm names: (B, 1, 28, 28) -> (B, classes). Every
     * intermediate follows its first operand into the images' manager, which the caller closes.
     */
    private NDArray torchForward(NDManager m, NDArray images) {
        VitConfig c = config;
        int p = c.patchSize(), g = c.imageSize() / p, d = c.dim(), h = c.heads(), dh = d / h, n = c.tokens();
        Map<String, NDArray> w = weights, wt = transposed;
        NDArray patches = images.reshape(BATCH, c.channels(), g, p, g, p).transpose(0, 2, 4, 1, 3, 5)
                .reshape(BATCH, c.patches(), c.patchPixels());
        NDArray x = patches.matMul(wt.get("patch_embed.proj.weight")).add(w.get("patch_embed.proj.bias"));
        NDArray cls = w.get("cls_token").broadcast(BATCH, 1, d);
        cls.attach(m);
        x = NDArrays.concat(new NDList(cls, timeToken, x), 1).add(w.get("pos_embed"));
        for (int i = 0; i < c.depth(); i++) {
            String pre = "blocks." + i + ".";
            NDArray a = layerNorm(x, w.get(pre + "norm1.weight"), w.get(pre + "norm1.bias"));
            NDArray qkv = a.matMul(wt.get(pre + "attn.qkv.weight")).reshape(BATCH, n, 3, h, dh).transpose(2, 0, 3, 1, 4);
            NDArray q = qkv.get(new NDIndex("0")), k = qkv.get(new NDIndex("1")), v = qkv.get(new NDIndex("2"));
            NDArray att = q.matMul(k.swapAxes(-1, -2)).mul((float) (1 / Math.sqrt(dh))).softmax(-1).matMul(v)
                    .transpose(0, 2, 1, 3).reshape(BATCH, n, d);
            x = x.add(att.matMul(wt.get(pre + "attn.proj.weight")).add(w.get(pre + "attn.proj.bias")));
            NDArray f = layerNorm(x, w.get(pre + "norm2.weight"), w.get(pre + "norm2.bias"));
            f = f.matMul(wt.get(pre + "mlp.fc1.weight")).add(w.get(pre + "mlp.fc1.bias")).getNDArrayInternal().gelu();
            x = x.add(f.matMul(wt.get(pre + "mlp.fc2.weight")).add(w.get(pre + "mlp.fc2.bias")));
        }
        NDArray feature = layerNorm(x, w.get("norm.weight"), w.get("norm.bias")).get(new NDIndex(":, 0"));
        return feature.matMul(wt.get("head.weight")).add(w.get("head.bias"));
    }

    private static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().layerNorm(x, weight.getShape(), weight, bias, 1e-5f).get(0);
    }
}
