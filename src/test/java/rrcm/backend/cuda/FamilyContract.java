package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.backend.cpu.CpuBackend;
import rrcm.device.Device;
import rrcm.testing.Close;
import rrcm.testing.Data;

/**
 * What the contracts of the op families share (NormContract tests CudaNorm against CpuNorm, and so on):
 * the CPU backend (the reference), a CUDA backend on the device under test ({@code cuda}, TF32 products;
 * {@code exact}, FP32 products), its storage layer {@code ops}, and storages made on either side and read
 * back. Subclasses choose the device (the emulator in CI, a GPU with the "gpu" tag) and whether to add
 * GPU-sized shapes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FamilyContract {
    /** Elementwise arithmetic (+, *, /, sqrt) is correctly rounded on both sides. */
    static final Close EXACT_ARITHMETIC = new Close(0, 0, "IEEE +, -, *, /, sqrt and comparisons are correctly rounded everywhere");
    /** exp, log, tanh, erf, pow: the CPU backend's own exp and Phi and java.lang.Math against CUDA's (or glibc's) functions, a few ulp each. */
    static final Close TRANSCENDENTAL = new Close(8e-6, 1e-7, "library transcendental functions differ by a few ulp between the CPU backend and CUDA/glibc");

    CpuBackend cpu;
    CudaBackend cuda;
    CudaBackend exact;
    CudaRuntime ops;
    Device device;
    private final List<CudaStorage> made = new ArrayList<>();

    /** The device under test. */
    abstract Device openDevice();

    /** Whether to add GPU-sized shapes (too slow for the emulator). */
    abstract boolean large();

    /** The attention grid's y extent (a test may cap it lower to reach the kernels' loop over heads). */
    int attentionGridY() {
        return 65535;
    }

    @BeforeAll
    void setUp() {
        cpu = new CpuBackend(2);
        device = openDevice();
        cuda = new CudaBackend("device under test", device, CudaGemm.Matmul.TF32, false, attentionGridY());
        exact = new CudaBackend("device under test, fp32", device, CudaGemm.Matmul.FP32, false, attentionGridY());
        ops = cuda.runtime();
    }

    @AfterAll
    void tearDown() {
        if (cuda != null) { // null when the device could not be opened: that failure is the one to report
            for (CudaStorage s : made) if (!s.released()) s.owner().release(s);
            cuda.close();
            exact.close();
        }
        if (device != null) device.close();
        cpu.close();
    }

    CudaStorage dev(float[] x) {
        return kept(ops.upload(x));
    }

    CudaStorage dev(int[] x) {
        return kept(ops.upload(x));
    }

    CudaStorage devEmpty(int n) {
        return devEmpty(DType.F32, n);
    }

    CudaStorage devEmpty(DType t, int n) {
        return kept(ops.allocate(t, n));
    }

    private CudaStorage kept(CudaStorage s) {
        made.add(s);
        return s;
    }

    float[] host(CudaStorage s) {
        float[] x = new float[s.numel()];
        s.owner().download(s, x);
        return x;
    }

    int[] hostInts(CudaStorage s) {
        int[] x = new int[s.numel()];
        s.owner().download(s, x);
        return x;
    }

    float[] host(Storage s) {
        float[] x = new float[s.numel()];
        cpu.download(s, x);
        return x;
    }

    /** A storage of either side read back (the CPU's through the CPU backend). */
    float[] run(Storage s) {
        return s instanceof CudaStorage c ? host(c) : host(s);
    }

    static int numel(int[] shape) {
        return Data.numel(shape);
    }

    static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + " on the device, " + expected[i]
                        + " on the CPU (the backends must agree bit for bit)");
            }
        }
    }
}
