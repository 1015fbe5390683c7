package rrcm.backend.cpu;

import java.lang.ref.Cleaner;
import rrcm.backend.Backend;
import rrcm.backend.DType;
import rrcm.backend.Storage;

/** Storage of the CPU backend: a Java array of exactly numel elements. */
final class CpuStorage implements Storage {
    private final CpuBackend backend;
    private final DType dtype;
    private final float[] floats;
    private final int[] ints;
    private volatile boolean released;
    /** Accounts the bytes back when released, or when the storage is collected without a release. */
    private Cleaner.Cleanable cleanable;

    CpuStorage(CpuBackend backend, float[] floats) {
        this.backend = backend;
        this.dtype = DType.F32;
        this.floats = floats;
        this.ints = null;
    }

    CpuStorage(CpuBackend backend, int[] ints) {
        this.backend = backend;
        this.dtype = DType.I32;
        this.floats = null;
        this.ints = ints;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int numel() {
        return floats != null ? floats.length : ints.length;
    }

    @Override
    public boolean released() {
        return released;
    }

    void markReleased() {
        released = true;
        if (cleanable != null) cleanable.clean();
    }

    void setCleanable(Cleaner.Cleanable cleanable) {
        this.cleanable = cleanable;
    }

    Object array() {
        return floats != null ? floats : ints;
    }

    float[] floats() {
        return floats;
    }

    int[] ints() {
        return ints;
    }
}
