package rrcm.backend;

import java.util.List;
import rrcm.backend.cpu.CpuBackend;

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

    public static List<BackendStatus> probeAll() {
        return List.of(new BackendStatus("cpu", true, cpu().describe()));
    }
}
