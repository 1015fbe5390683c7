package rrcm.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import rrcm.backend.cpu.CpuBackend;
import rrcm.backend.cuda.CudaBackend;
import rrcm.backend.cuda.CudaGemm;
import rrcm.device.emulator.TestEmulator;

/**
 * The argument checks live once, in the families of this package, so both backends refuse exactly the
 * same calls with exactly the same exception and message. Every case here is one bad call; each runs
 * against the CPU backend and the CUDA backend on the emulator, and the two refusals must be identical
 * (and must be refusals: a call that goes through fails the test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FamilyChecksTest {
    private CpuBackend cpu;
    private CudaBackend cuda;

    @BeforeAll
    void open() {
        cpu = new CpuBackend(1);
        cuda = new CudaBackend("emulator", TestEmulator.open(), CudaGemm.Matmul.FP32, true);
    }

    @AfterAll
    void close() {
        cpu.close();
        if (cuda != null) cuda.close();
    }

    private static Storage f(Backend b, int n) {
        return b.allocate(DType.F32, n);
    }

    private static Storage i(Backend b, int n) {
        return b.allocate(DType.I32, n);
    }

    /** The bad calls, by what is wrong with them. */
    private static Map<String, Consumer<Backend>> cases() {
        Map<String, Consumer<Backend>> c = new LinkedHashMap<>();
        c.put("random: a stride that is not a multiple of 4",
                b -> b.random().noisyCopies(f(b, 6), 6, 6, 2, 1, 2, 3, 0.5f, f(b, 12)));
        c.put("random: noisy copies into too small an output",
                b -> b.random().noisyCopies(f(b, 6), 6, 8, 2, 1, 2, 3, 0.5f, f(b, 11)));
        c.put("random: noise levels with more times than outputs",
                b -> b.random().noiseLevels(f(b, 4), f(b, 4), new float[] {1, 2}, new float[] {1, 1}, new Storage[] {f(b, 4)}));
        c.put("random: counters that reach 2^63, the fallback blocks", b -> b.random().normal(f(b, 9), 1, 2, Long.MAX_VALUE - 1,
                0f, 1f));
        c.put("random: an int32 output", b -> b.random().normal(i(b, 4), 1, 2, 3, 0f, 1f));
        c.put("elementwise: an int32 input", b -> b.elementwise().unary(UnaryOp.NEG, i(b, 3), f(b, 3)));
        c.put("elementwise: shapes that do not broadcast", b -> b.elementwise().binary(BinaryOp.ADD, f(b, 6), new int[] {2, 3},
                f(b, 4), new int[] {4}, f(b, 6), new int[] {2, 3}));
        c.put("elementwise: an output of the wrong size", b -> b.elementwise().scalar(ScalarOp.MUL, f(b, 5), 2f, f(b, 4)));
        c.put("reduce: an output shape of another rank", b -> b.reduce().reduce(ReduceOp.SUM, f(b, 6), new int[] {2, 3},
                f(b, 2), new int[] {2}));
        c.put("reduce: argmax of an empty axis", b -> b.reduce().argmax(f(b, 0), 2, 0, 1, i(b, 2)));
        c.put("gemm: a storage smaller than the product reads",
                b -> b.gemm().multiply(Gemm.of(2, 3, 4, false, false), f(b, 7), f(b, 12), f(b, 6)));
        c.put("norm: a weight of the wrong size", b -> b.norm().layerNorm(f(b, 8), f(b, 5), null, 1e-5f, f(b, 8), f(b, 2),
                f(b, 2), 2, 4));
        c.put("norm: batch statistics of no rows", b -> b.norm().batchNormTrain(f(b, 0), null, null, 1e-5f, 0.1f, null, null,
                f(b, 0), f(b, 3), f(b, 3), 0, 3));
        c.put("norm: a running mean without a running variance", b -> b.norm().batchNormTrain(f(b, 6), null, null, 1e-5f, 0.1f,
                f(b, 3), null, f(b, 6), f(b, 3), f(b, 3), 2, 3));
        c.put("attention: a head wider than 256", b -> {
            AttentionShape s = new AttentionShape(1, 1, 1, 257, 1f);
            b.attention().forward(s, f(b, 257), f(b, 257), f(b, 257), f(b, 257), f(b, 1));
        });
        c.put("attention: the packed layout with three storages", b -> {
            AttentionShape s = AttentionShape.packed(1, 1, 2, 4, 0.5f);
            b.attention().forward(s, f(b, 24), f(b, 24), f(b, 24), f(b, 8), f(b, 2));
        });
        c.put("attention: an output that is an input", b -> {
            AttentionShape s = new AttentionShape(1, 2, 2, 4, 0.5f);
            Storage q = f(b, 8);
            b.attention().forward(s, q, f(b, 8), f(b, 8), q, f(b, 2));
        });
        c.put("losses: labels of the wrong count", b -> b.losses().crossEntropy(f(b, 6), i(b, 3), f(b, 2), f(b, 2), 2, 3));
        c.put("losses: more InfoNCE rows than one storage holds logits of",
                b -> b.losses().infoNce(f(b, 46_341), f(b, 46_341), 46_341, 1, 5f, f(b, 46_341), f(b, 46_341)));
        c.put("updates: a moment of the wrong size", b -> b.updates().adamw(f(b, 8), f(b, 8), f(b, 7), f(b, 8), 1e-3f, 0.9f,
                0.999f, 1e-8f, 0f, 0.1f, 0.001f));
        c.put("updates: lists of different lengths", b -> b.updates().axpbyAll(new Storage[] {f(b, 2)}, new Storage[0], 1f, 1f));
        c.put("layout: not a permutation", b -> b.layout().permute(f(b, 6), new int[] {2, 3}, new int[] {0, 0}, f(b, 6)));
        c.put("layout: runs beyond the source", b -> b.layout().copyRows(f(b, 10), 0, 4, f(b, 20), 0, 4, 3, 4, false));
        c.put("layout: float32 to int32", b -> b.layout().copyRows(f(b, 4), 0, 4, i(b, 4), 0, 4, 1, 4, false));
        c.put("a released storage", b -> {
            Storage s = f(b, 4);
            b.release(s);
            b.elementwise().unary(UnaryOp.NEG, s, f(b, 4));
        });
        return c;
    }

    @Test
    void bothBackendsRefuseTheSameCallsWithTheSameMessage() {
        for (Map.Entry<String, Consumer<Backend>> e : cases().entrySet()) {
            RuntimeException onCpu = refusal(cpu, e.getKey(), e.getValue());
            RuntimeException onCuda = refusal(cuda, e.getKey(), e.getValue());
            assertEquals(onCpu.getClass(), onCuda.getClass(), e.getKey());
            assertEquals(onCpu.getMessage(), onCuda.getMessage(), e.getKey());
        }
    }

    @Test
    void aStorageOfAnotherBackendIsRefusedByName() {
        Storage mine = cpu.allocate(DType.F32, 4);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> cuda.elementwise().unary(UnaryOp.NEG, mine, cuda.allocate(DType.F32, 4)));
        assertEquals("unary: the input belongs to backend 'cpu', not to this emulator backend (move the tensor with "
                + ".to(backend) first)", e.getMessage());
        try (CpuBackend other = new CpuBackend(1)) {
            Storage theirs = other.allocate(DType.F32, 4);
            e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> cpu.elementwise().unary(UnaryOp.NEG, theirs, mine));
            assertTrue(e.getMessage().startsWith("unary: the input belongs to backend 'cpu', not to this cpu backend"),
                    e.getMessage());
        }
    }

    private static RuntimeException refusal(Backend b, String what, Consumer<Backend> call) {
        try {
            call.accept(b);
        } catch (RuntimeException e) {
            assertNotNull(e.getMessage(), what + " on " + b.name() + ": a refusal says why");
            return e;
        }
        return fail(what + ": backend " + b.name() + " accepted the call");
    }
}
