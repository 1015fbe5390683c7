package rrcm.backend.cuda;

import org.junit.jupiter.api.Tag;
import rrcm.device.gpu.CudaDevice;

/** The whole engine on a real GPU; tools/gpu-check runs it (tag "gpu"). */
@Tag("gpu")
class CudaBackendGpuTest extends CudaBackendContract {
    @Override
    CudaBackend open(CudaGemm.Matmul matmul) {
        return new CudaBackend("cuda", CudaDevice.open(0), matmul, true);
    }
}
