package rrcm.backend.cuda;

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
}
