package rrcm.bench;

import java.util.SplittableRandom;
import rrcm.backend.cuda.CudaBackend;
import rrcm.backend.cuda.CudaRuntime;
import rrcm.backend.cuda.CudaStorage;
import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.gpu.CudaDevice;

/**
 * The device the GPU benchmarks run on: the GPU, or, with {@code -Drrcm.bench.device=emulator}, the host
 * emulator (the library of {@code -Drrcm.emulator.lib}). The emulator times nothing worth reading; it is
 * there so that the benchmarks' own code (their buffers, arguments and launches) is checked, with the
 * emulator's guard zones, before a GPU ever runs it: by a CI test at small sizes and by
 * {@code gpu-check --rehearse}.
 */
final class BenchDevice {
    private BenchDevice() {}

    /** Whether the benchmarks run on the emulator (a rehearsal) rather than a GPU. */
    static boolean emulated() {
        return "emulator".equals(System.getProperty("rrcm.bench.device"));
    }

    /** Opens the device, or fails the trial with the one sentence that says why there is none. */
    static Device open() {
        if (emulated()) return EmulatorDevice.open(EmulatorDevice.defaultLibrary());
        CudaDevice.Probe p = CudaDevice.probe();
        if (!p.available()) throw new IllegalStateException("skipped, no GPU here: " + p.detail());
        return CudaDevice.open(0);
    }

    /** n values uniform in [-1, 1) from a seed. */
    static float[] uniform(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        return x;
    }

    /** A storage read back to the host (the rehearsal test's view of a benchmark's output). */
    static float[] read(CudaRuntime ops, CudaStorage s) {
        float[] out = new float[s.numel()];
        ops.download(s, out);
        return out;
    }

    /** A trial's teardown: its storages (those it made) back to the pool, then the backend and the device closed. */
    static void close(Device device, CudaBackend backend, CudaStorage... storages) {
        if (backend != null) {
            for (CudaStorage s : storages) if (s != null) backend.release(s);
            backend.close();
        }
        if (device != null) device.close();
    }
}
