package rrcm.backend.cuda;

import java.lang.ref.Cleaner;
import rrcm.backend.Backend;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.device.DeviceBuffer;

/**
 * A flat device-resident buffer of {@code numel} elements of one dtype, made by {@link CudaRuntime}: the
 * {@link Storage} of the CUDA backend, without a shape (shapes travel with each call). Its memory is a
 * block of the caching allocator; after {@link CudaRuntime#release} it must not be used. A storage that
 * becomes unreachable without being released (a tensor made outside every memory scope) gives its block
 * back through a cleaner, at the owner's next allocation.
 */
public final class CudaStorage implements Storage {
    private final CudaRuntime owner;
    private final DType dtype;
    private final int numel;
    private final DeviceBuffer buffer;
    private boolean released;
    private Cleaner.Cleanable reclaim;

    CudaStorage(CudaRuntime owner, DType dtype, int numel, DeviceBuffer buffer) {
        this.owner = owner;
        this.dtype = dtype;
        this.numel = numel;
        this.buffer = buffer;
    }

    /** The backend whose storage this is. */
    @Override
    public Backend backend() {
        return owner.backend();
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int numel() {
        return numel;
    }

    @Override
    public boolean released() {
        return released;
    }

    CudaRuntime owner() {
        return owner;
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    void markReleased() {
        released = true;
    }

    /** Set once by the owner: the cleaner registration that returns the block if this storage is lost. */
    void reclaim(Cleaner.Cleanable c) {
        reclaim = c;
    }

    Cleaner.Cleanable reclaim() {
        return reclaim;
    }

    @Override
    public String toString() {
        return dtype + "[" + numel + "] on " + owner.device().name();
    }
}
