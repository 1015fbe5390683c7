package rrcm.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import rrcm.backend.Gemm;
import rrcm.backend.cuda.CudaBackend;
import rrcm.backend.cuda.CudaGemm;
import rrcm.backend.cuda.CudaRuntime;
import rrcm.backend.cuda.CudaStorage;
import rrcm.device.Device;

/**
 * The CUDA GEMM kernels on a GPU at the shapes of {@link GemmBench} (a ViT-B batch of 50 images x 64
 * patches: M = 3200, D = 768, MLP width 3072, and the per-head attention product), plus the MLP product
 * of a 256-image pre-training batch (M = 16896). TF32 is the tensor-core kernel, FP32 the FFMA one.
 * Each invocation launches {@value #LAUNCHES} products back to back and waits for them, so the score
 * is throughput with launch overhead amortized, as the PyTorch peer of tools/gpu-check measures it
 * (torch.matmul with TF32 allowed, timed with CUDA events). The {@code gflop} score is GFLOP/s.
 * Without a GPU the setup fails with the sentence that says why, and JMH moves on ({@link BenchDevice}:
 * the emulator stands in for a rehearsal).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class GpuGemmBench {
    static final int LAUNCHES = 20;

    /** M x K x N, or B x M x K x N for a batch of B products. */
    @Param({"3200x768x768", "3200x768x3072", "3200x3072x768", "600x66x64x66", "16896x768x3072"})
    public String shape;

    @Param({"TF32", "FP32"})
    public String precision;

    /** cublas: the vendor library where the device finds it (else the kernel); kernel: the engine's gemm.cu. */
    @Param({"cublas", "kernel"})
    public String impl;

    private Device device;
    private CudaBackend backend;
    private CudaRuntime ops;
    private Gemm gemm;
    private CudaStorage a, b, c;

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
        if ("kernel".equals(impl)) System.setProperty("rrcm.cublas", "off"); // this trial's own JVM (one fork per trial)
        device = BenchDevice.open();
        backend = new CudaBackend("bench", device, CudaGemm.Matmul.valueOf(precision), false);
        ops = backend.runtime();
        int[] d = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        int batch = d.length == 4 ? d[0] : 1, m = d[d.length - 3], k = d[d.length - 2], n = d[d.length - 1];
        gemm = new Gemm(batch, m, n, k, false, false, m * k, k * n, m * n, 1f, 0f);
        a = ops.upload(BenchDevice.uniform(1, batch * m * k));
        b = ops.upload(BenchDevice.uniform(2, batch * k * n));
        c = ops.allocate(rrcm.backend.DType.F32, batch * m * n);
    }

    /** The last product, read back (for the rehearsal test). */
    float[] product() {
        return BenchDevice.read(ops, c);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchDevice.close(device, backend, a, b, c);
    }

    @Benchmark
    @OperationsPerInvocation(LAUNCHES)
    public void gemm(Flops flops) {
        for (int i = 0; i < LAUNCHES; i++) backend.gemm().multiply(gemm, a, b, c);
        device.synchronize();
        flops.gflop += LAUNCHES * gemm.flops() / 1e9;
    }
}
