package rrcm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
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
import rrcm.backend.AttentionShape;
import rrcm.backend.Backend;
import rrcm.backend.Backends;
import rrcm.backend.DType;
import rrcm.backend.Storage;

/**
 * Scaled-dot-product attention at the shape of a ViT-B/4 batch on 32x32 images: 64 images x 12 heads,
 * 66 tokens (64 patches, class and time tokens), head dimension 64. Ours is the fused kernel through
 * the CPU backend; libtorch, through DJL, is matmul, softmax, matmul (DJL exposes no fused
 * scaled_dot_product_attention), its backward through autograd from the same upstream gradient. Same
 * inputs, same number of threads. Forward alone and forward + backward.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2)
public class AttentionBench {
    /** heads (batch x heads) x tokens x head dimension. */
    @Param({"768x66x64"})
    public String shape;

    private AttentionShape s;
    private Backend be;
    private Storage q, k, v, o, lse, go, gq, gk, gv;
    private NDManager torch;
    private NDArray tq, tk, tv, tgo;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        int heads = Integer.parseInt(p[0]), t = Integer.parseInt(p[1]), dh = Integer.parseInt(p[2]);
        s = new AttentionShape(heads, t, t, dh, (float) (1 / Math.sqrt(dh)));
        int n = heads * t * dh;
        float[] qs = gaussian(1, n), ks = gaussian(2, n), vs = gaussian(3, n), gos = gaussian(4, n);
        be = Backends.cpu();
        q = be.upload(qs);
        k = be.upload(ks);
        v = be.upload(vs);
        go = be.upload(gos);
        o = be.allocate(DType.F32, n);
        lse = be.allocate(DType.F32, heads * t);
        gq = be.allocate(DType.F32, n);
        gk = be.allocate(DType.F32, n);
        gv = be.allocate(DType.F32, n);
        torch = NDManager.newBaseManager("PyTorch"); // loads libtorch, before the thread count is set
        JniUtils.setNumThreads(Backends.cpuThreads());
        if (JniUtils.getNumThreads() != Backends.cpuThreads()) {
            throw new IllegalStateException("libtorch runs " + JniUtils.getNumThreads() + " threads, ours "
                    + Backends.cpuThreads());
        }
        Shape shape3 = new Shape(heads, t, dh);
        tq = torch.create(qs, shape3);
        tk = torch.create(ks, shape3);
        tv = torch.create(vs, shape3);
        tgo = torch.create(gos, shape3);
        checkBothAgree(n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        torch.close();
    }

    /** Both sides must compute the same thing, or the timings compare nothing. */
    private void checkBothAgree(int n) {
        oursForwardBackward();
        float[][] ours = new float[4][n];
        be.download(o, ours[0]);
        be.download(gq, ours[1]);
        be.download(gk, ours[2]);
        be.download(gv, ours[3]);
        try (NDManager m = torch.newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] leaves = leaves(m);
            NDArray out = torchForward(leaves);
            JniUtils.backward((PtNDArray) out, (PtNDArray) tgo, false, false);
            float[][] theirs = {out.toFloatArray(), leaves[0].getGradient().toFloatArray(),
                leaves[1].getGradient().toFloatArray(), leaves[2].getGradient().toFloatArray()};
            String[] names = {"o", "gq", "gk", "gv"};
            for (int i = 0; i < 4; i++) {
                double err = 0, size = 0;
                for (int j = 0; j < n; j++) {
                    err = Math.max(err, Math.abs(ours[i][j] - theirs[i][j]));
                    size = Math.max(size, Math.abs(theirs[i][j]));
                }
                // float32 sums of 64-66 terms in two orders differ by a few 2^-24 of the largest value;
                // a real mismatch (a missing scale, a wrong transpose) is orders of magnitude larger
                if (err > 1e-5 * size) {
                    throw new IllegalStateException(names[i] + ": ours and libtorch differ by " + err
                            + " (largest value " + size + ")");
                }
            }
        }
    }

    static float[] gaussian(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Benchmark
    public Storage oursForward() {
        be.attention().forward(s, q, k, v, o, lse);
        return o;
    }

    @Benchmark
    public Storage oursForwardBackward() {
        be.attention().forward(s, q, k, v, o, lse);
        be.attention().backward(s, q, k, v, o, lse, go, gq, gk, gv);
        return gq;
    }

    @Benchmark
    public float torchForward() {
        try (NDManager m = torch.newSubManager()) {
            NDArray[] qkv = {tq, tk, tv};
            for (NDArray x : qkv) x.tempAttach(m); // results and views land in m, freed with it
            return torchForward(qkv).getFloat(0, 0, 0);
        }
    }

    @Benchmark
    public float torchForwardBackward() {
        try (NDManager m = torch.newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] leaves = leaves(m);
            NDArray out = torchForward(leaves);
            JniUtils.backward((PtNDArray) out, (PtNDArray) tgo, false, false);
            return leaves[0].getGradient().getFloat(0, 0, 0) + leaves[1].getGradient().getFloat(0, 0, 0)
                    + leaves[2].getGradient().getFloat(0, 0, 0);
        }
    }

    /** softmax(q k^T scale) v, the way a PyTorch model without the fused kernel writes it. */
    private NDArray torchForward(NDArray[] qkv) {
        NDArray scores = qkv[0].matMul(qkv[1].transpose(0, 2, 1)).mul(s.scale());
        return scores.softmax(-1).matMul(qkv[2]);
    }

    /**
     * Fresh leaves over the inputs' storage (detach shares it, no copy) that require gradients, in m:
     * each step starts with no .grad, as after PyTorch's zero_grad(set_to_none=True), so the backward
     * writes its gradients instead of adding them to the last step's.
     */
    private NDArray[] leaves(NDManager m) {
        NDArray[] out = new NDArray[3];
        NDArray[] in = {tq, tk, tv};
        for (int i = 0; i < 3; i++) {
            out[i] = in[i].stopGradient();
            out[i].attach(m);
            out[i].setRequiresGradient(true);
        }
        return out;
    }
}
