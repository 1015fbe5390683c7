package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** Fused attention on the host emulator, shuffled schedule: what CI runs. */
class CudaFusedAttentionEmulatorTest extends CudaFusedAttentionContract {
    @Override
    Device openDevice() {
        return TestEmulator.open().schedule(EmulatorDevice.Schedule.shuffled(20251125));
    }

    @Override
    boolean large() {
        return false;
    }
}
