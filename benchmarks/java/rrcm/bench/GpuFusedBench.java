package rrcm.bench;

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
import rrcm.backend.AttentionShape;
import rrcm.backend.DType;
import rrcm.backend.cuda.CudaBackend;
import rrcm.backend.cuda.CudaGemm;
import rrcm.backend.cuda.CudaRuntime;
import rrcm.backend.cuda.CudaStorage;
import rrcm.device.Device;

/**
 * The fused kernels of the CUDA part 2 issue on a GPU, forward + backward, milliseconds per call (average
 * of {@value #LAUNCHES} back-to-back calls, then one wait), beside the PyTorch peer of tools/gpu-check:
 * <ul>
 *   <li>{@code attention}: B = 256 images x 12 heads, T = 66 tokens, dh = 64 (ViT-B/4 on 32x32), against
 *       torch.nn.functional.scaled_dot_product_attention (target: 0.7x, moonshot 1.0x);</li>
 *   <li>{@code infonce_256} and {@code infonce_768}: B = 2048 L2-normalized rows of 256 or 768 features, the
 *       positives on the diagonal, against PyTorch's matmul, cross_entropy and autograd (target: 1.5x).</li>
 * </ul>
 * Without a GPU the setup fails with the sentence that says why, and JMH moves on ({@link BenchDevice}: the
 * emulator stands in for a rehearsal, with fewer images and rows).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class GpuFusedBench {
    static final int LAUNCHES = 10;

    @Param({"attention", "infonce_256", "infonce_768"})
    public String op;

    /** Images of the attention batch and rows of the InfoNCE batch; smaller only for a rehearsal. */
    @Param("256")
    public int images;

    @Param("2048")
    public int rows;

    private Device device;
    private CudaBackend backend;
    private CudaRuntime ops;
    private AttentionShape shape;
    private int dim;
    private CudaStorage q, k, v, o, lse, go, gq, gk, gv, loss, gLoss;

    @Setup(Level.Trial)
    public void setup() {
        device = BenchDevice.open();
        backend = new CudaBackend("bench", device, CudaGemm.Matmul.TF32, false);
        ops = backend.runtime();
        if (op.equals("attention")) {
            shape = new AttentionShape(images * 12, 66, 66, 64, 0.125f);
            int n = shape.heads() * shape.tq() * shape.dh();
            q = ops.upload(BenchDevice.uniform(1, n));
            k = ops.upload(BenchDevice.uniform(2, n));
            v = ops.upload(BenchDevice.uniform(3, n));
            go = ops.upload(BenchDevice.uniform(4, n));
            o = ops.allocate(DType.F32, n);
            gq = ops.allocate(DType.F32, n);
            gk = ops.allocate(DType.F32, n);
            gv = ops.allocate(DType.F32, n);
            lse = ops.allocate(DType.F32, shape.heads() * shape.tq());
        } else {
            dim = Integer.parseInt(op.substring("infonce_".length()));
            q = ops.upload(unitRows(5, rows, dim));
            k = ops.upload(unitRows(6, rows, dim));
            float[] ones = new float[rows];
            java.util.Arrays.fill(ones, 1f / rows);
            gLoss = ops.upload(ones);
            lse = ops.allocate(DType.F32, rows);
            loss = ops.allocate(DType.F32, rows);
            gq = ops.allocate(DType.F32, rows * dim);
            gk = ops.allocate(DType.F32, rows * dim);
        }
    }

    private static float[] unitRows(long seed, int rows, int dim) {
        float[] x = BenchDevice.uniform(seed, rows * dim);
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < dim; c++) s += x[r * dim + c] * x[r * dim + c];
            for (int c = 0; c < dim; c++) x[r * dim + c] /= (float) Math.sqrt(s);
        }
        return x;
    }

    /** The last output, read back (for the rehearsal test): o for attention, the per-row losses for InfoNCE. */
    float[] output() {
        CudaStorage s = shape != null ? o : loss;
        return BenchDevice.read(ops, s);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchDevice.close(device, backend, q, k, v, o, lse, go, gq, gk, gv, loss, gLoss);
    }

    @Benchmark
    @OperationsPerInvocation(LAUNCHES)
    public void forwardBackward() {
        for (int i = 0; i < LAUNCHES; i++) {
            if (shape != null) {
                backend.attention().forward(shape, q, k, v, o, lse);
                backend.attention().backward(shape, q, k, v, o, lse, go, gq, gk, gv);
            } else {
                backend.losses().infoNce(q, k, rows, dim, 5f, lse, loss);
                backend.losses().infoNceBackward(q, k, lse, gLoss, rows, dim, 5f, gq, gk);
            }
        }
        device.synchronize();
    }
}
