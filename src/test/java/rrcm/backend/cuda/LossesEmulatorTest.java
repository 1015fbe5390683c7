package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** Cross-entropy and InfoNCE on the host emulator, shuffled schedule: what CI runs. */
class LossesEmulatorTest extends LossesContract {
    @Override
    Device openDevice() {
        return TestEmulator.open().schedule(EmulatorDevice.Schedule.shuffled(20251125));
    }

    @Override
    boolean large() {
        return false;
    }
}
