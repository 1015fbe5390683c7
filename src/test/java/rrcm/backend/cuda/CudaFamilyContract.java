package rrcm.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.backend.cpu.CpuBackend;
import rrcm.device.Device;

/**
 * What the contracts of the kernel families share: the CPU backend (the reference), the device under
 * test and a launch layer on it, and storages made on either side and read back. Subclasses choose the
 * device (the emulator in CI, a GPU with the "gpu" tag) and whether to add GPU-sized shapes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CudaFamilyContract {
    CpuBackend cpu;
    CudaOps ops;
    private Device device;
    private final List<CudaStorage> made = new ArrayList<>();

    /** The device under test. */
    abstract Device openDevice();

    /** Whether to add GPU-sized shapes (too slow for the emulator). */
    abstract boolean large();

    /** Makes the family under test on the launch layer. */
    abstract void open(CudaOps ops);

    @BeforeAll
    void setUp() {
        cpu = new CpuBackend(2);
        device = openDevice();
        ops = new CudaOps(device);
        open(ops);
    }

    @AfterAll
    void tearDown() {
        if (ops != null) { // null when the device could not be opened: that failure is the one to report
            for (CudaStorage s : made) if (!s.released()) ops.release(s);
            ops.close();
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
        ops.download(s, x);
        return x;
    }

    int[] hostInts(CudaStorage s) {
        int[] x = new int[s.numel()];
        ops.download(s, x);
        return x;
    }

    float[] host(Storage s) {
        float[] x = new float[s.numel()];
        cpu.download(s, x);
        return x;
    }
}
