package rrcm.backend;

import java.util.List;
import rrcm.backend.cpu.CpuBackend;
import rrcm.backend.cuda.CudaBackend;
import rrcm.backend.cuda.CudaGemm;
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

    private static volatile Backend chosen;
    private static volatile String fallback;

    /**
     * Which backend the engine runs on, from -Drrcm.backend or else the environment variable
     * RRCM_BACKEND: {@code auto} (the default: cuda where a GPU can run the kernels, else cpu), {@code cpu},
     * {@code cuda}, or {@code emulator} (the CUDA kernels on the host emulator: for tests, very slow).
     */
    public static String requested() {
        String v = System.getProperty("rrcm.backend");
        if (v == null || v.isBlank()) v = System.getenv("RRCM_BACKEND");
        return v == null || v.isBlank() ? "auto" : v.trim().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The backend new tensors use unless told otherwise, chosen once per process by {@link #requested}.
     * Asking for cuda or emulator where it cannot run is an error that says why; auto falls back to the
     * CPU backend and {@code info} says why.
     */
    public static Backend defaultBackend() {
        Backend b = chosen;
        if (b == null) {
            synchronized (Backends.class) {
                b = chosen;
                if (b == null) chosen = b = choose(requested());
            }
        }
        return b;
    }

    private static Backend choose(String request) {
        switch (request) {
            case "cpu":
                return cpu();
            case "cuda": {
                CudaDevice.Probe gpu = CudaDevice.probe();
                if (!gpu.available()) throw new IllegalStateException("backend cuda was asked for, but " + gpu.detail());
                return new CudaBackend("cuda", CudaDevice.open(0), CudaGemm.Matmul.TF32, true);
            }
            case "emulator": {
                String why = EmulatorDevice.unavailableReason();
                if (why != null) throw new IllegalStateException("backend emulator was asked for, but " + why);
                return new CudaBackend("emulator", EmulatorDevice.openDefault(), CudaGemm.Matmul.TF32, true);
            }
            case "auto": {
                CudaDevice.Probe gpu = CudaDevice.probe();
                if (!gpu.available()) return cpu();
                try {
                    return new CudaBackend("cuda", CudaDevice.open(0), CudaGemm.Matmul.TF32, true);
                } catch (RuntimeException e) {
                    fallback = "the GPU was found but could not be opened (" + e.getMessage() + ")";
                    return cpu();
                }
            }
            default:
                throw new IllegalArgumentException("unknown backend '" + request + "' (rrcm.backend / RRCM_BACKEND): "
                        + "expected auto, cpu, cuda or emulator");
        }
    }

    /**
     * Every backend's status for {@code info}. CUDA: the GPU found, or in one sentence why none can be
     * used (the engine then runs on the CPU). The emulator runs the CUDA kernels on the CPU for the
     * tests; it is there once tools/build-emulator (or tools/test) has built it.
     */
    public static List<BackendStatus> probeAll() {
        CudaDevice.Probe gpu = CudaDevice.probe();
        String f = fallback;
        String cuda = gpu.available()
                ? gpu.detail() + (f != null ? "; " + f + ", so the engine runs on the CPU backend" : "")
                : gpu.detail() + "; the engine runs on the CPU backend";
        String emulator = EmulatorDevice.unavailableReason();
        return List.of(new BackendStatus("cpu", true, cpu().describe()),
                new BackendStatus("cuda", gpu.available() && f == null, cuda),
                new BackendStatus("emulator", emulator == null, emulator == null
                        ? "host emulator of the CUDA kernels, for tests (" + EmulatorDevice.defaultLibrary() + ")" : emulator));
    }
}
