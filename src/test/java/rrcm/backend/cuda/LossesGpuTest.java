package rrcm.backend.cuda;

import org.junit.jupiter.api.Tag;
import rrcm.device.Device;
import rrcm.device.gpu.CudaDevice;

/** The same checks on a real GPU with larger sizes; tools/gpu-check runs them (tag "gpu"). */
@Tag("gpu")
class LossesGpuTest extends LossesContract {
    @Override
    Device openDevice() {
        return CudaDevice.open(0);
    }

    @Override
    boolean large() {
        return !Boolean.getBoolean("rrcm.gpu.small"); // gpu-check\'s sanitizer step runs the small shapes
    }
}
