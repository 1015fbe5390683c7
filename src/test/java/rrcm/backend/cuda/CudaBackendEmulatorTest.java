package rrcm.backend.cuda;

import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** The whole engine on the host emulator, shuffled schedule: what CI runs. */
class CudaBackendEmulatorTest extends CudaBackendContract {
    @Override
    CudaBackend open(CudaGemm.Matmul matmul) {
        EmulatorDevice d = TestEmulator.open().schedule(EmulatorDevice.Schedule.shuffled(20251125));
        return new CudaBackend("emulator", d, matmul, true);
    }
}
