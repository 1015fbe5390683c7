package rrcm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import rrcm.backend.Backend;
import rrcm.backend.Backends;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.backend.UnaryOp;

/**
 * The other pointwise and row kernels of a training step, ours through the CPU backend beside libtorch
 * through DJL, same inputs, same threads:
 * <ul>
 *   <li>GELU (exact, with erf) on (3200, 3072), the MLP activations of a ViT-B batch of 50 images;
 *       forward, and forward + backward;</li>
 *   <li>cross-entropy on (2048, 2048) logits with the diagonal as the labels: one direction of InfoNCE at
 *       batch 2048. Ours is the fused primitive (log-softmax, loss and gradient in one pass per row);
 *       libtorch's is log_softmax and gather as DJL composes them (DJL exposes no fused cross_entropy),
 *       backward by autograd;</li>
 *   <li>one AdamW update of 7,087,872 parameters (one ViT-B block's weights and biases): ours is the
 *       primitive, libtorch's is DJL's adamUpdate with decoupled weight decay;</li>
 *   <li>the certification noise: 500 noisy copies of one CIFAR image (3072 values) at sigma 0.5. Ours is
 *       the noisyCopies primitive (Philox and Box-Muller in one pass, base added); libtorch's is
 *       randomNormal of the same shape plus the image broadcast over the copies.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2)
public class PointwiseBench {
    static final int ROWS = 3200, HIDDEN = 3072, B = 2048, PARAMS = 7_087_872, COPIES = 500, IMAGE = 3072;

    private Backend be;
    private Storage x, y, gy, gx, logits, labels, loss, lse, gLoss, gLogits, p, g, m, v, image, copies;
    private long draw;
    private NDManager torch;
    private NDArray tx, tgy, txLeaf, tLogits, tDiag, tp, tg, tm, tv, tImage;

    @Setup(Level.Trial)
    public void setup() {
        be = Backends.cpu();
        float[] xs = NormBench.gaussian(1, ROWS * HIDDEN), gys = NormBench.gaussian(2, ROWS * HIDDEN);
        float[] ls = NormBench.gaussian(3, B * B), ps = NormBench.gaussian(4, PARAMS), gs = NormBench.gaussian(5, PARAMS);
        float[] ones = new float[B];
        java.util.Arrays.fill(ones, 1f / B);
        int[] diag = new int[B];
        for (int i = 0; i < B; i++) diag[i] = i;
        x = be.upload(xs);
        gy = be.upload(gys);
        y = be.allocate(DType.F32, ROWS * HIDDEN);
        gx = be.allocate(DType.F32, ROWS * HIDDEN);
        logits = be.upload(ls);
        labels = be.upload(diag);
        loss = be.allocate(DType.F32, B);
        lse = be.allocate(DType.F32, B);
        gLoss = be.upload(ones);
        gLogits = be.allocate(DType.F32, B * B);
        p = be.upload(ps);
        g = be.upload(gs);
        m = be.upload(new float[PARAMS]);
        v = be.upload(new float[PARAMS]);
        float[] img = NormBench.gaussian(6, IMAGE);
        image = be.upload(img);
        copies = be.allocate(DType.F32, COPIES * IMAGE);

        torch = NDManager.newBaseManager("PyTorch");
        JniUtils.setNumThreads(Backends.cpuThreads());
        tx = torch.create(xs, new Shape(ROWS, HIDDEN));
        tgy = torch.create(gys, new Shape(ROWS, HIDDEN));
        txLeaf = tx.duplicate();
        txLeaf.setRequiresGradient(true);
        tLogits = torch.create(ls, new Shape(B, B));
        tLogits.setRequiresGradient(true);
        tDiag = torch.arange(B).toType(DataType.INT64, false).reshape(B, 1);
        tp = torch.create(ps);
        tg = torch.create(gs);
        tm = torch.zeros(new Shape(PARAMS));
        tv = torch.zeros(new Shape(PARAMS));
        tImage = torch.create(img, new Shape(1, IMAGE));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        torch.close();
    }

    @Benchmark
    public Storage geluForward() {
        be.elementwise().unary(UnaryOp.GELU, x, y);
        return y;
    }

    @Benchmark
    public Storage geluForwardBackward() {
        be.elementwise().unary(UnaryOp.GELU, x, y);
        be.elementwise().unaryBackward(UnaryOp.GELU, x, y, gy, gx);
        return gx;
    }

    @Benchmark
    public Storage crossEntropyForwardBackward() {
        be.losses().crossEntropy(logits, labels, loss, lse, B, B);
        be.losses().crossEntropyBackward(logits, lse, labels, gLoss, gLogits, B, B);
        return gLogits;
    }

    @Benchmark
    public Storage adamw() {
        be.updates().adamw(p, g, m, v, 1e-4f, 0.9f, 0.999f, 1e-8f, 0.05f, 0.1f, 0.001f);
        return p;
    }

    @Benchmark
    public Storage noisyCopies() {
        be.random().noisyCopies(image, IMAGE, IMAGE, COPIES, 20251125L, 3, draw, 0.5f, copies);
        draw += (long) COPIES * IMAGE / 4;
        return copies;
    }

    @Benchmark
    public float torchNoisyCopies() {
        try (NDManager s = torch.newSubManager()) {
            NDArray out = s.randomNormal(0f, 0.5f, new Shape(COPIES, IMAGE), DataType.FLOAT32).addi(tImage);
            return out.getFloat(0, 0);
        }
    }

    @Benchmark
    public float torchGeluForward() {
        try (NDManager s = torch.newSubManager()) {
            NDArray out = Activation.gelu(tx);
            out.attach(s);
            return out.getFloat(0, 0);
        }
    }

    @Benchmark
    public float torchGeluForwardBackward() {
        try (NDManager s = torch.newSubManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = Activation.gelu(txLeaf);
            out.attach(s);
            JniUtils.backward((PtNDArray) out, (PtNDArray) tgy, false, false);
            NDArray grad = txLeaf.getGradient();
            grad.attach(s);
            return grad.getFloat(0, 0);
        }
    }

    @Benchmark
    public float torchCrossEntropyForwardBackward() {
        try (NDManager s = torch.newSubManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = tLogits.logSoftmax(1).gather(tDiag, 1).mean().neg();
            out.attach(s);
            gc.backward(out);
            NDArray grad = tLogits.getGradient();
            grad.attach(s);
            return grad.getFloat(0, 0);
        }
    }

    @Benchmark
    public float torchAdamw() {
        tp.getNDArrayInternal().adamUpdate(new NDList(tp, tg, tm, tv), new NDList(tp), 1e-4f, 1e-4f, 0.05f, 1f, Float.MAX_VALUE,
                0.9f, 0.999f, 1e-8f, false, true);
        return 0f;
    }
}
