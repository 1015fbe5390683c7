package rrcm.backend.cpu;

import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Warmup;
import rrcm.bench.GemmBench;

/**
 * The GEMM micro-kernel alone, on one core: C tiles over packed slivers of A against one packed sliver of
 * B, as the macro-kernel's inner loop runs them, with no packing, threads or edges. The tile is the one
 * CpuTuning picked; another is measured with {@code -jvmArgsPrepend -Drrcm.gemm.tile=6x2} (a constant of
 * the JVM, so one per run). kc 256 keeps the panels in L1, kc 768 (18 slivers of A) puts A in L2, as the
 * ViT-B products do. The {@code gflop} score is GFLOP/s, against one core's FMA peak (PeakFlopsBench
 * with -t 1). In this package because the kernel is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmKernelBench {
    /** K depth of a call, and the A slivers swept against the B sliver. */
    @Param({"256x8", "768x18"})
    public String panels;

    private int kc, slivers;
    private float[] a, b, c;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = panels.split("x");
        kc = Integer.parseInt(p[0]);
        slivers = Integer.parseInt(p[1]);
        a = new float[slivers * CpuGemm.MR * kc];
        b = new float[kc * CpuGemm.NR];
        c = new float[slivers * CpuGemm.MR * CpuGemm.NR];
        // small values: a million sums of products of 1e-3 stay far from overflow and subnormals
        Arrays.fill(a, 1e-3f);
        Arrays.fill(b, 1e-3f);
    }

    @Benchmark
    public float[] kernel(GemmBench.Flops f) {
        int mr = CpuGemm.MR, nr = CpuGemm.NR;
        for (int i = 0; i < slivers; i++) CpuGemm.kernel(kc, a, i * mr * kc, b, 0, c, i * mr * nr, nr, true);
        f.gflop += 2e-9 * slivers * mr * nr * kc;
        return c;
    }
}
