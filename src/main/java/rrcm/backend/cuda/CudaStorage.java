package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.device.DeviceBuffer;

/**
 * A flat device-resident buffer of {@code numel} elements of one dtype, made by {@link CudaOps}: the
 * device counterpart of {@link rrcm.backend.Storage}, without a shape (shapes travel with each call).
 * Its memory is a block of the caching allocator; after {@link CudaOps#release} it must not be used.
 */
public final class CudaStorage {
    private final CudaOps owner;
    private final DType dtype;
    private final int numel;
    private final DeviceBuffer buffer;
    private boolean released;

    CudaStorage(CudaOps owner, DType dtype, int numel, DeviceBuffer buffer) {
        this.owner = owner;
        this.dtype = dtype;
        this.numel = numel;
        this.buffer = buffer;
    }

    public DType dtype() {
        return dtype;
    }

    public int numel() {
        return numel;
    }

    public boolean released() {
        return released;
    }

    CudaOps owner() {
        return owner;
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    void markReleased() {
        released = true;
    }

    @Override
    public String toString() {
        return dtype + "[" + numel + "] on " + owner.device().name();
    }
}
