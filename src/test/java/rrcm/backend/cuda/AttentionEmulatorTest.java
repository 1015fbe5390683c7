package rrcm.backend.cuda;

import rrcm.device.Device;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** Fused attention against the CPU backend on the host emulator: what CI runs. Small shapes, shuffled schedule. */
class AttentionEmulatorTest extends AttentionContract {
    private static final long SEED = 20251125;

    @Override
    Device openDevice() {
        // a shuffled order of blocks and threads, so that a kernel relying on an order would fail here
        return TestEmulator.open().schedule(EmulatorDevice.Schedule.shuffled(SEED));
    }

    @Override
    boolean large() {
        return false;
    }

    /** Run 0 is the usual shuffle; then the reverse order and another shuffle. */
    @Override
    void reschedule(Device device, int run) {
        EmulatorDevice e = (EmulatorDevice) device;
        e.schedule(switch (run) {
            case 0 -> EmulatorDevice.Schedule.shuffled(SEED);
            case 1 -> EmulatorDevice.Schedule.reverse();
            default -> EmulatorDevice.Schedule.shuffled(SEED + run);
        });
    }
}
