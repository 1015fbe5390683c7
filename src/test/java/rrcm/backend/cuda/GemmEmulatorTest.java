package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** The batched GEMM on the host emulator, small shapes, shuffled schedule: what CI runs. */
class GemmEmulatorTest extends GemmContract {
    @Override
    Device openDevice() {
        // a shuffled order of blocks and threads, so that a kernel relying on an order would fail here
        return TestEmulator.open().schedule(EmulatorDevice.Schedule.shuffled(20251124));
    }

    @Override
    boolean large() {
        return false;
    }
}
