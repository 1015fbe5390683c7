package rrcm.backend;

import java.util.List;
import rrcm.backend.cpu.CpuBackend;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.gpu.CudaDevice;

/**
 * The backends this build knows and the process-wide default. The CPU backend is always there; device
 * backends report here why they are or are not available.
 */
public final class Backends {
    private static volatile CpuBackend cpu;

    private Backends() {}

    /** The shared CPU backend, created on first use with {@link CpuBackend#defaultThreads()} threads. */
    public static CpuBackend cpu() {
        CpuBackend b = cpu;
        if (b == null) {
            synchronized (Backends.class) {
                b = cpu;
                if (b == null) cpu = b = new CpuBackend(CpuBackend.defaultThreads());
            }
        }
        return b;
    }

    public static int cpuThreads() {
        return cpu().threads();
    }

    /** The backend new tensors use unless told otherwise. */
    public static Backend defaultBackend() {
        return cpu();
    }

    /**
     * Every backend's status for {@code info}. CUDA: the GPU found, or in one sentence why none can be
     * used (the engine then runs on the CPU); until every primitive has a kernel (CUDA backend part 2)
     * the engine runs on the CPU either way, and the line says so. The emulator runs the CUDA kernels on
     * the CPU for the tests; it is there once tools/build-emulator (or tools/test) has built it.
     */
    public static List<BackendStatus> probeAll() {
        CudaDevice.Probe gpu = CudaDevice.probe();
        String cuda = gpu.available()
                ? gpu.detail() + "; kernels for elementwise, reductions, layout and GEMM only so far, so the engine runs on cpu"
                : gpu.detail() + "; the engine runs on the CPU backend";
        String emulator = EmulatorDevice.unavailableReason();
        return List.of(new BackendStatus("cpu", true, cpu().describe()),
                new BackendStatus("cuda", gpu.available(), cuda),
                new BackendStatus("emulator", emulator == null, emulator == null
                        ? "host emulator of the CUDA kernels, for tests (" + EmulatorDevice.defaultLibrary() + ")" : emulator));
    }
}
