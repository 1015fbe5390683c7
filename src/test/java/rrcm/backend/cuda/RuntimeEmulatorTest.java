package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** Storage, transfers and conversions on the host emulator, small shapes, shuffled schedule: what CI runs. */
class RuntimeEmulatorTest extends RuntimeContract {
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
