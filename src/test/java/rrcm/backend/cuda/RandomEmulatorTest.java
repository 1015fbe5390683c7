package rrcm.backend.cuda;

import org.junit.jupiter.api.Test;
import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** Philox fills, noisy copies and noise levels on the host emulator, shuffled schedule: what CI runs. */
class RandomEmulatorTest extends RandomContract {
    @Override
    Device openDevice() {
        return TestEmulator.open().schedule(EmulatorDevice.Schedule.shuffled(20251125));
    }

    @Override
    boolean large() {
        return false;
    }

    /**
     * Words no seed reaches in reasonable time, through the device's Box-Muller (kernels/test/random_words.cu):
     * radii from the fallback word (u down to 2^-73), u = 1, and the angle's quadrant edges, the CPU's bits.
     */
    @Test
    void theExtremeWordsGiveTheCpuBitsOnTheDevice() {
        int[] a = {0, 0, 0, 0, 1, -1, 0x12345678, 0, 0};
        int[] b = {0, 0x4000_0000, 0x8000_0000, 0xC000_00FF, 0, 0xFF, 0x9E3779B9, 0xFFFF_FF00, 0x1};
        int[] fallback = {0, -1, 0x1234, 7, 99, 5, 6, 0x8000_0000, 123};
        int n = a.length;
        CudaStorage da = dev(a), db = dev(b), df = dev(fallback), out = devEmpty(2 * n);
        device.launch("box_muller_words", rrcm.device.Dim3.of(1), rrcm.device.Dim3.of(32), 0,
                rrcm.device.KernelArgs.of().ptr(da.buffer()).ptr(db.buffer()).ptr(df.buffer()).ptr(out.buffer()).i32(n));
        float[] want = new float[2 * n];
        for (int t = 0; t < n; t++) rrcm.backend.BoxMuller.normals(a[t], b[t], fallback[t], want, 2 * t);
        float[] got = host(out);
        for (int i = 0; i < 2 * n; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    "normal " + i + ": " + want[i] + " on the CPU, " + got[i] + " on the device");
        }
        org.junit.jupiter.api.Assertions.assertEquals(Math.sqrt(146 * Math.log(2)), Math.hypot(got[0], got[1]), 1e-4);
    }
}
