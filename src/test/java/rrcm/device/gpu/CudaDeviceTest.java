package rrcm.device.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import rrcm.backend.BackendStatus;
import rrcm.backend.Backends;
import rrcm.device.DeviceBuffer;
import rrcm.device.DeviceEvent;
import rrcm.device.DeviceException;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/** The GPU executor explains itself without a driver, and (tagged gpu) runs on a GPU. */
class CudaDeviceTest {
    private static boolean driverPresent() {
        try {
            SymbolLookup.libraryLookup("libcuda.so.1", Arena.ofAuto());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void withoutADriverItSaysWhyInOneSentenceAndTheEngineStaysOnTheCpu() {
        assumeFalse(driverPresent(), "this machine has an NVIDIA driver");
        CudaDevice.Probe p = CudaDevice.probe();
        assertFalse(p.available());
        assertEquals("no NVIDIA driver: libcuda.so.1 was not found", p.detail());
        DeviceException e = assertThrows(DeviceException.class, () -> CudaDevice.open(0));
        assertEquals("CUDA is not available: no NVIDIA driver: libcuda.so.1 was not found", e.getMessage());
        BackendStatus cuda = Backends.probeAll().stream().filter(s -> s.name().equals("cuda")).findFirst().orElseThrow();
        assertFalse(cuda.available());
        assertEquals("no NVIDIA driver: libcuda.so.1 was not found; the engine runs on the CPU backend", cuda.detail());
        assertEquals("cpu", Backends.defaultBackend().name());
    }

    @Tag("gpu")
    @Test
    void onAGpuItLoadsThePtxAndRunsAKernel() {
        CudaDevice.Probe p = CudaDevice.probe();
        assertTrue(p.available(), p.detail());
        try (CudaDevice dev = CudaDevice.open(0)) {
            assertTrue(dev.describe().contains("sm_"), dev.describe());
            int n = 1 << 20;
            DeviceBuffer b = dev.allocate(4L * n, "filled");
            DeviceEvent start = dev.record();
            dev.launch("ew_fill_f32", Dim3.of(256), Dim3.of(256), 0, KernelArgs.of().ptr(b).f32(1.5f).i32(n));
            DeviceEvent end = dev.record();
            assertTrue(dev.elapsedMillis(start, end) >= 0);
            float[] x = new float[n];
            dev.copyToHost(b, 0, x, 0, n);
            float[] want = new float[n];
            java.util.Arrays.fill(want, 1.5f);
            assertArrayEquals(want, x);
            start.close();
            end.close();
            dev.free(b);
        }
    }
}
