package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import rrcm.backend.DType;
import rrcm.backend.Gemm;
import rrcm.backend.MemoryStats;
import rrcm.backend.ReduceOp;
import rrcm.backend.UnaryOp;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;
import rrcm.testing.Data;

/**
 * Memory in use returns to its baseline after a forward and backward step of a small chain,
 * loss = mean(gelu(x W + b)), whose temporaries are released at the end of the step as a memory
 * scope does; and from the second step on the caching allocator serves every request from its pool.
 */
class CudaMemoryTest {
    /** The temporaries of one step, released together (what MemoryScope does for tensors). */
    private static final class Step implements AutoCloseable {
        final CudaRuntime ops;
        final List<CudaStorage> owned = new ArrayList<>();

        Step(CudaRuntime ops) {
            this.ops = ops;
        }

        CudaStorage f32(int n) {
            CudaStorage s = ops.allocate(DType.F32, n);
            owned.add(s);
            return s;
        }

        @Override
        public void close() {
            for (CudaStorage s : owned) ops.release(s);
        }
    }

    @Test
    void aStepReturnsMemoryToItsBaselineAndAllocatesNothingOnceWarm() {
        int batch = 6, in = 20, out = 12;
        try (EmulatorDevice dev = TestEmulator.open();
             CudaBackend cuda = new CudaBackend("emulator", dev, CudaGemm.Matmul.TF32, false)) {
            CudaRuntime ops = cuda.runtime();
            // parameters and their gradients live outside the step
            CudaStorage w = ops.upload(Data.normal(1, in * out)), b = ops.upload(Data.normal(2, out));
            CudaStorage gw = ops.allocate(DType.F32, in * out), gb = ops.allocate(DType.F32, out);
            MemoryStats baseline = ops.memory();
            long freshAfterFirst = -1;
            for (int step = 0; step < 3; step++) {
                try (Step s = new Step(ops)) {
                    CudaStorage x = ops.upload(Data.normal(10 + step, batch * in));
                    s.owned.add(x);
                    // forward: pre = x W + b, h = gelu(pre), loss = mean(h)
                    CudaStorage pre = s.f32(batch * out), h = s.f32(batch * out), loss = s.f32(1);
                    cuda.gemm().multiply(Gemm.of(batch, out, in, false, false), x, w, pre);
                    cuda.elementwise().binary(rrcm.backend.BinaryOp.ADD, pre, new int[] {batch, out}, b, new int[] {out}, pre,
                            new int[] {batch, out});
                    cuda.elementwise().unary(UnaryOp.GELU, pre, h);
                    cuda.reduce().reduce(ReduceOp.MEAN, h, new int[] {batch, out}, loss, new int[] {1, 1});
                    // backward: gh = 1 / n, gpre = gelu'(pre) gh, gW = x^T gpre, gb = sum over rows, gx = gpre W^T
                    CudaStorage gh = s.f32(batch * out), gpre = s.f32(batch * out), gx = s.f32(batch * in);
                    ops.fill(gh, 1f / (batch * out));
                    cuda.elementwise().unaryBackward(UnaryOp.GELU, pre, h, gh, gpre);
                    cuda.gemm().multiply(Gemm.of(in, out, batch, true, false), x, gpre, gw);
                    cuda.reduce().reduce(ReduceOp.SUM, gpre, new int[] {batch, out}, gb, new int[] {1, out});
                    cuda.gemm().multiply(Gemm.of(batch, in, out, false, true), gpre, w, gx);
                    float[] l = new float[1];
                    ops.download(loss, l);
                    assertTrue(Float.isFinite(l[0]));
                }
                MemoryStats m = ops.memory();
                assertEquals(baseline.liveBytes(), m.liveBytes(), "step " + step + ": live memory back at its baseline");
                if (step == 0) freshAfterFirst = m.freshAllocations();
                else assertEquals(freshAfterFirst, m.freshAllocations(), "step " + step + " allocated nothing new");
            }
            assertTrue(ops.memory().pooledBytes() > 0);
            ops.trim();
            assertEquals(0, ops.memory().pooledBytes());
            for (CudaStorage p : List.of(w, b, gw, gb)) ops.release(p);
            ops.trim();
            assertEquals(0, ops.memory().liveBytes());
            assertEquals(0, dev.liveBytes(), "every device buffer went back to the emulator");
        }
    }
}
