package rrcm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import rrcm.backend.Gemm;
import rrcm.backend.Storage;

/**
 * (M, K) x (K, N) float32 GEMM at the shapes of a ViT-B batch of 50 images x 64 patches (M = 3200 rows,
 * D = 768, MLP width 3072), and the batched per-head attention product (50 images x 12 heads of
 * (66, 64) x (64, 66), 64 patches + class and time tokens): ours through the CPU backend, libtorch's
 * matmul through DJL, on the same inputs and the same number of threads. Throughput mode: the primary
 * score is products per second, the secondary {@code gflop} score is GFLOP/s (2 B M N K flops per
 * product), to compare with {@link PeakFlopsBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2)
public class GemmBench {
    /** M x K x N, or B x M x K x N for a batch of B products. */
    @Param({"3200x768x768", "3200x768x3072", "3200x3072x768", "600x66x64x66"})
    public String shape;

    private Backend be;
    private Gemm gemm;
    private Storage a, b, c;
    private NDManager torch;
    private NDArray ta, tb;

    /** Floating-point work done, in GFLOP; JMH divides it by the iteration's time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        int[] d = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        int batch = d.length == 4 ? d[0] : 1, m = d[d.length - 3], k = d[d.length - 2], n = d[d.length - 1];
        float[] as = uniform(1, batch * m * k), bs = uniform(2, batch * k * n);
        be = Backends.cpu();
        gemm = new Gemm(batch, m, n, k, false, false, m * k, k * n, m * n, 1f, 0f);
        a = be.upload(as);
        b = be.upload(bs);
        c = be.allocate(DType.F32, batch * m * n);
        torch = NDManager.newBaseManager("PyTorch"); // loads libtorch, before the thread count is set
        JniUtils.setNumThreads(Backends.cpuThreads());
        if (JniUtils.getNumThreads() != Backends.cpuThreads()) {
            throw new IllegalStateException("libtorch runs " + JniUtils.getNumThreads() + " threads, ours "
                    + Backends.cpuThreads());
        }
        ta = torch.create(as, batch == 1 ? new Shape(m, k) : new Shape(batch, m, k));
        tb = torch.create(bs, batch == 1 ? new Shape(k, n) : new Shape(batch, k, n));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        torch.close();
        be.release(a);
        be.release(b);
        be.release(c);
    }

    static float[] uniform(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    @Benchmark
    public Storage rrcm(Flops f) {
        be.gemm().multiply(gemm, a, b, c);
        f.gflop += gemm.flops() * 1e-9;
        return c;
    }

    @Benchmark
    public float libtorch(Flops f) {
        // libtorch computes eagerly on the CPU: the product exists when matMul returns; closing the
        // sub-manager frees it and the views and scalar read from it
        try (NDManager m = torch.newSubManager()) {
            NDArray out = ta.matMul(tb);
            out.attach(m);
            f.gflop += gemm.flops() * 1e-9;
            return out.flatten().getFloat(0);
        }
    }
}
