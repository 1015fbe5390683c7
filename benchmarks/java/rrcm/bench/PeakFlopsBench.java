package rrcm.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The float32 fused multiply-add peak of the machine, the ceiling GEMM is measured against
 * ({@link GemmBench}): one JMH thread per core (set with -t, default 2), each running independent
 * FMA chains on registers only. Ten accumulators cover the FMA latency (4 cycles) times the FMA
 * units (two 256-bit pipes, or one 512-bit op per cycle on Zen 4). The {@code gflop} score is GFLOP/s
 * summed over the threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2)
@Threads(2)
public class PeakFlopsBench {
    private static final int STEPS = 1 << 16;
    private static final int CHAINS = 10;

    private float x = 0.999f, y = 1e-3f;

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

    // The two benchmarks are written out in full: a shared method taking the species is too large for
    // C2 to inline, and with a species that is not a compile-time constant every vector is boxed
    // (measured 5-10 GFLOP/s).
    @Benchmark
    public float fma512(Flops f) {
        // x, y from fields so that the JIT cannot fold the chains; x < 1 keeps them finite
        VectorSpecies<Float> s = FloatVector.SPECIES_512;
        FloatVector m = FloatVector.broadcast(s, x), d = FloatVector.broadcast(s, y);
        FloatVector c0 = d, c1 = d, c2 = d, c3 = d, c4 = d, c5 = d, c6 = d, c7 = d, c8 = d, c9 = d;
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(m, d);
            c1 = c1.fma(m, d);
            c2 = c2.fma(m, d);
            c3 = c3.fma(m, d);
            c4 = c4.fma(m, d);
            c5 = c5.fma(m, d);
            c6 = c6.fma(m, d);
            c7 = c7.fma(m, d);
            c8 = c8.fma(m, d);
            c9 = c9.fma(m, d);
        }
        f.gflop += 2.0 * CHAINS * s.length() * STEPS * 1e-9;
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9)
                .reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float fma256(Flops f) {
        // x, y from fields so that the JIT cannot fold the chains; x < 1 keeps them finite
        VectorSpecies<Float> s = FloatVector.SPECIES_256;
        FloatVector m = FloatVector.broadcast(s, x), d = FloatVector.broadcast(s, y);
        FloatVector c0 = d, c1 = d, c2 = d, c3 = d, c4 = d, c5 = d, c6 = d, c7 = d, c8 = d, c9 = d;
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(m, d);
            c1 = c1.fma(m, d);
            c2 = c2.fma(m, d);
            c3 = c3.fma(m, d);
            c4 = c4.fma(m, d);
            c5 = c5.fma(m, d);
            c6 = c6.fma(m, d);
            c7 = c7.fma(m, d);
            c8 = c8.fma(m, d);
            c9 = c9.fma(m, d);
        }
        f.gflop += 2.0 * CHAINS * s.length() * STEPS * 1e-9;
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9)
                .reduceLanes(VectorOperators.ADD);
    }
}
