package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** Permutations and row copies on the host emulator, small shapes, shuffled schedule: what CI runs. */
class LayoutEmulatorTest extends LayoutContract {
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
