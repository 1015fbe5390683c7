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
import rrcm.backend.Backend;
import rrcm.backend.Backends;
import rrcm.backend.DType;
import rrcm.backend.Storage;

/**
 * LayerNorm and softmax over rows of (3200, 768), a ViT-B batch of 50 images x 64 tokens: ours
 * through the backend primitives, libtorch through DJL, same inputs, same two threads. Forward alone
 * and forward + backward (libtorch's backward through its autograd, with a given upstream gradient).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2)
public class NormBench {
    @Param({"3200x768"})
    public String shape;

    private int rows, cols;
    private Backend be;
    private Storage x, w, b, y, mean, rstd, gy, gx, gw, gb;
    private NDManager torch;
    private NDArray tx, tw, tb, tgy, gxTorch, gwTorch, gbTorch;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        rows = Integer.parseInt(p[0]);
        cols = Integer.parseInt(p[1]);
        int n = rows * cols;
        float[] xs = gaussian(1, n), ws = gaussian(2, cols), bs = gaussian(3, cols), gys = gaussian(4, n);
        be = Backends.cpu();
        x = be.upload(xs);
        w = be.upload(ws);
        b = be.upload(bs);
        gy = be.upload(gys);
        y = be.allocate(DType.F32, n);
        gx = be.allocate(DType.F32, n);
        mean = be.allocate(DType.F32, rows);
        rstd = be.allocate(DType.F32, rows);
        gw = be.allocate(DType.F32, cols);
        gb = be.allocate(DType.F32, cols);
        torch = NDManager.newBaseManager("PyTorch");
        tx = torch.create(xs, new Shape(rows, cols));
        tw = torch.create(ws, new Shape(cols));
        tb = torch.create(bs, new Shape(cols));
        tgy = torch.create(gys, new Shape(rows, cols));
        // separate leaves for the backward benchmarks; their .grad accumulates as in a training step
        gxTorch = tx.duplicate();
        gwTorch = tw.duplicate();
        gbTorch = tb.duplicate();
        for (NDArray a : new NDArray[] {gxTorch, gwTorch, gbTorch}) a.setRequiresGradient(true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        torch.close();
    }

    static float[] gaussian(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1) * 1.7f;
        return v;
    }

    @Benchmark
    public Storage layerNormForward() {
        be.norm().layerNorm(x, w, b, 1e-5f, y, mean, rstd, rows, cols);
        return y;
    }

    @Benchmark
    public Storage layerNormForwardBackward() {
        be.norm().layerNorm(x, w, b, 1e-5f, y, mean, rstd, rows, cols);
        be.norm().layerNormBackward(x, w, mean, rstd, gy, gx, gw, gb, rows, cols);
        return gx;
    }

    @Benchmark
    public Storage softmaxForward() {
        be.norm().softmax(x, y, rows, cols, false);
        return y;
    }

    @Benchmark
    public Storage softmaxForwardBackward() {
        be.norm().softmax(x, y, rows, cols, false);
        be.norm().softmaxBackward(y, gy, gx, rows, cols, false);
        return gx;
    }

    @Benchmark
    public float torchLayerNormForward() {
        try (NDManager m = torch.newSubManager()) {
            NDArray out = tx.getNDArrayInternal().layerNorm(tx, new Shape(cols), tw, tb, 1e-5f).get(0);
            out.attach(m);
            return out.getFloat(0, 0);
        }
    }

    @Benchmark
    public float torchLayerNormForwardBackward() {
        try (NDManager m = torch.newSubManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = gxTorch.getNDArrayInternal().layerNorm(gxTorch, new Shape(cols), gwTorch, gbTorch, 1e-5f).get(0);
            out.attach(m);
            backward(out);
            return gxTorch.getGradient().getFloat(0, 0);
        }
    }

    /** libtorch's backward from the upstream gradient itself, as in torch.autograd.backward(out, gy). */
    private void backward(NDArray out) {
        JniUtils.backward((PtNDArray) out, (PtNDArray) tgy, false, false);
    }

    @Benchmark
    public float torchSoftmaxForward() {
        try (NDManager m = torch.newSubManager()) {
            NDArray out = tx.softmax(-1);
            out.attach(m);
            return out.getFloat(0, 0);
        }
    }

    @Benchmark
    public float torchSoftmaxForwardBackward() {
        try (NDManager m = torch.newSubManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = gxTorch.softmax(-1);
            out.attach(m);
            backward(out);
            return gxTorch.getGradient().getFloat(0, 0);
        }
    }
}
