package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** AdamW and axpby on the host emulator, shuffled schedule: what CI runs. */
class UpdatesEmulatorTest extends UpdatesContract {
    @Override
    Device openDevice() {
        return TestEmulator.open().schedule(EmulatorDevice.Schedule.shuffled(20251125));
    }

    @Override
    boolean large() {
        return false;
    }

    /** The GPU path: nvcc must not have fused any product of the update kernels into an fma (see updates.cu). */
    @org.junit.jupiter.api.Test
    void theUpdateKernelsPtxHasNoFusedMultiplyAdd() throws java.io.IOException {
        String ptx = java.nio.file.Files.readString(java.nio.file.Path.of("kernels/ptx/updates.ptx"));
        org.junit.jupiter.api.Assertions.assertTrue(ptx.contains(".entry adamw"), "adamw is in updates.ptx");
        org.junit.jupiter.api.Assertions.assertFalse(ptx.contains("fma.rn"), "updates.ptx contains fma.rn");
    }
}
