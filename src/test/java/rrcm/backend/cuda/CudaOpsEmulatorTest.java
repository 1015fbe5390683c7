package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** The CUDA ops against the CPU backend on the host emulator: what CI runs. Small shapes, shuffled schedule. */
class CudaOpsEmulatorTest extends CudaOpsContract {
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
