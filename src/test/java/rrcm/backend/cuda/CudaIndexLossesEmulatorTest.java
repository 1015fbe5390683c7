package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** Index ops, argmax and cross-entropy on the host emulator, shuffled schedule: what CI runs. */
class CudaIndexLossesEmulatorTest extends CudaIndexLossesContract {
    @Override
    Device openDevice() {
        return TestEmulator.open().schedule(EmulatorDevice.Schedule.shuffled(20251125));
    }

    @Override
    boolean large() {
        return false;
    }
}
