package rrcm.bench;

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
import rrcm.backend.BinaryOp;
import rrcm.backend.DType;
import rrcm.backend.ReduceOp;
import rrcm.backend.UnaryOp;
import rrcm.backend.cuda.CudaOps;
import rrcm.backend.cuda.CudaStorage;
import rrcm.device.gpu.CudaDevice;

/**
 * The memory-bound kernels on a GPU at 64 MB tensors (16M floats), against the device-to-device copy
 * (cuMemcpyDtoD), the bandwidth they should come near (target: 80% of it). The {@code gbps} score is
 * GB/s counting each byte read and each byte written once: copy and unary move 2 x 64 MB, binary
 * 3 x 64 MB, a bias add (rows of 4096 plus a broadcast row) 2 x 64 MB, the row sum 64 MB. Without a
 * GPU the setup fails with the sentence that says why, and JMH moves on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class GpuBandwidthBench {
    static final int LAUNCHES = 20;
    static final int N = 16 << 20;
    static final int COLS = 4096;

    @Param({"copy", "relu", "add", "bias_add", "row_sum"})
    public String op;

    private CudaDevice device;
    private CudaOps ops;
    private CudaStorage x, y, z, bias, sums;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gbps;

        @Setup(Level.Iteration)
        public void reset() {
            gbps = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        device = GpuGemmBench.gpu();
        ops = new CudaOps(device);
        x = ops.upload(GpuGemmBench.uniform(3, N));
        y = ops.allocate(DType.F32, N);
        z = ops.upload(GpuGemmBench.uniform(4, N));
        bias = ops.upload(GpuGemmBench.uniform(5, COLS));
        sums = ops.allocate(DType.F32, N / COLS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ops != null) {
            for (CudaStorage s : new CudaStorage[] {x, y, z, bias, sums}) ops.release(s);
            ops.close();
        }
        if (device != null) device.close();
    }

    private long bytesPerOp() {
        return switch (op) {
            case "add" -> 3L * 4 * N;
            case "row_sum" -> 4L * N;
            default -> 2L * 4 * N;
        };
    }

    @Benchmark
    @OperationsPerInvocation(LAUNCHES)
    public void run(Bytes bytes) {
        int[] shape = {N / COLS, COLS};
        for (int i = 0; i < LAUNCHES; i++) {
            switch (op) {
                case "copy" -> ops.copy(x, 0, y, 0, N);
                case "relu" -> ops.unary(UnaryOp.RELU, x, y);
                case "add" -> ops.binary(BinaryOp.ADD, x, shape, z, shape, y, shape);
                case "bias_add" -> ops.binary(BinaryOp.ADD, x, shape, bias, new int[] {COLS}, y, shape);
                case "row_sum" -> ops.reduce(ReduceOp.SUM, x, shape, sums, new int[] {N / COLS, 1});
                default -> throw new IllegalArgumentException("unknown op " + op);
            }
        }
        device.synchronize();
        bytes.gbps += LAUNCHES * bytesPerOp() / 1e9;
    }
}
