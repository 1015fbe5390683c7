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
import rrcm.backend.cuda.CudaBackend;
import rrcm.backend.cuda.CudaGemm;
import rrcm.backend.cuda.CudaRuntime;
import rrcm.backend.cuda.CudaStorage;
import rrcm.device.Device;

/**
 * The memory-bound kernels on a GPU at 64 MiB tensors (16M floats), against the device-to-device copy
 * (cuMemcpyDtoD), the bandwidth they should come near (target: 80% of it). The {@code gbps} score is
 * GB/s counting each byte read and each byte written once: copy and unary move 2 x 64 MB, binary
 * 3 x 64 MB, a bias add (rows of 4096 plus a broadcast row) 2 x 64 MB, the row sum 64 MB. The kernels
 * of the CUDA part 2 issue (target: 80% of the copy, 85% for the noise): GELU, softmax and layer norm
 * over rows of 4096 and the fused cross-entropy's backward 2 x 64 MB each, AdamW over 4M parameters
 * (p, g, m, v read, p, m, v written: 7 x 16 MB), the certification noise writing 64 MB (500 copies of
 * a 32768-value image). Without a GPU the setup fails with the sentence that says why, and JMH moves on
 * ({@link BenchDevice}: the emulator stands in for a rehearsal, at 1 MiB).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class GpuBandwidthBench {
    static final int LAUNCHES = 20;
    static final int COLS = 4096;
    static final int IMAGE = 32768;

    /** The size of a tensor in MiB (64: 16M floats); smaller only for a rehearsal on the emulator. */
    @Param("64")
    public int mebibytes;

    @Param({"copy", "relu", "add", "bias_add", "row_sum", "gelu", "softmax", "layer_norm", "cross_entropy_backward",
            "adamw", "noise"})
    public String op;

    private Device device;
    private CudaBackend backend;
    private CudaRuntime ops;
    private CudaStorage x, y, z, bias, sums, rowStat, rowStat2, labels, p, g, m, v, image;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gbps;

        @Setup(Level.Iteration)
        public void reset() {
            gbps = 0;
        }
    }

    /** Floats per tensor, parameters of the AdamW step, noisy copies of the image. */
    private int n, params, copies;

    @Setup(Level.Trial)
    public void setup() {
        if (mebibytes < 1 || mebibytes > 512) throw new IllegalArgumentException("mebibytes must be 1 to 512: " + mebibytes);
        n = mebibytes << 18;
        params = n / 4;
        copies = n / IMAGE;
        device = BenchDevice.open();
        backend = new CudaBackend("bench", device, CudaGemm.Matmul.TF32, false);
        ops = backend.runtime();
        x = ops.upload(BenchDevice.uniform(3, n));
        y = ops.allocate(DType.F32, n);
        z = ops.upload(BenchDevice.uniform(4, n));
        bias = ops.upload(BenchDevice.uniform(5, COLS));
        sums = ops.allocate(DType.F32, n / COLS);
        rowStat = ops.allocate(DType.F32, n / COLS);
        rowStat2 = ops.allocate(DType.F32, n / COLS);
        labels = ops.upload(new int[n / COLS]);
        p = ops.upload(BenchDevice.uniform(6, params));
        g = ops.upload(BenchDevice.uniform(7, params));
        m = ops.upload(new float[params]);
        v = ops.upload(new float[params]);
        image = ops.upload(BenchDevice.uniform(8, IMAGE));
        backend.losses().crossEntropy(x, labels, sums, rowStat, n / COLS, COLS); // the lse the backward reads
    }

    /** The op's last output, read back (for the rehearsal test): the row sums for row_sum, the updated parameters for adamw. */
    float[] output() {
        CudaStorage s = switch (op) {
            case "row_sum" -> sums;
            case "adamw" -> p;
            default -> y;
        };
        return BenchDevice.read(ops, s);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchDevice.close(device, backend, x, y, z, bias, sums, rowStat, rowStat2, labels, p, g, m, v, image);
    }

    private long bytesPerOp() {
        return switch (op) {
            case "add" -> 3L * 4 * n;
            case "row_sum", "noise" -> 4L * n;
            case "adamw" -> 7L * 4 * params;
            default -> 2L * 4 * n;
        };
    }

    @Benchmark
    @OperationsPerInvocation(LAUNCHES)
    public void run(Bytes bytes) {
        int[] shape = {n / COLS, COLS};
        for (int i = 0; i < LAUNCHES; i++) {
            switch (op) {
                case "copy" -> ops.copy(x, 0, y, 0, n);
                case "relu" -> backend.elementwise().unary(UnaryOp.RELU, x, y);
                case "add" -> backend.elementwise().binary(BinaryOp.ADD, x, shape, z, shape, y, shape);
                case "bias_add" -> backend.elementwise().binary(BinaryOp.ADD, x, shape, bias, new int[] {COLS}, y, shape);
                case "row_sum" -> backend.reduce().reduce(ReduceOp.SUM, x, shape, sums, new int[] {n / COLS, 1});
                case "gelu" -> backend.elementwise().unary(UnaryOp.GELU, x, y);
                case "softmax" -> backend.norm().softmax(x, y, n / COLS, COLS, false);
                case "layer_norm" -> backend.norm().layerNorm(x, bias, bias, 1e-5f, y, rowStat, rowStat2, n / COLS, COLS);
                case "cross_entropy_backward" -> backend.losses().crossEntropyBackward(x, rowStat, labels, sums, y, n / COLS, COLS);
                case "adamw" -> backend.updates().adamw(p, g, m, v, 1e-4f, 0.9f, 0.999f, 1e-8f, 0.05f, 0.1f, 0.001f);
                case "noise" -> backend.random().noisyCopies(image, IMAGE, IMAGE, copies, 1, 2, 3, 0.5f, y);
                default -> throw new IllegalArgumentException("unknown op " + op);
            }
        }
        device.synchronize();
        bytes.gbps += LAUNCHES * bytesPerOp() / 1e9;
    }
}
