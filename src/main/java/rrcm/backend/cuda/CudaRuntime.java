package rrcm.backend.cuda;

import java.lang.ref.Cleaner;
import rrcm.backend.DType;
import rrcm.backend.MemoryStats;
import rrcm.device.Device;
import rrcm.device.DeviceBuffer;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * What every family of the CUDA backend builds on: the {@link Device} (a GPU or the host emulator), its
 * memory through a caching allocator (so a steady-state step makes no driver allocation; {@link #memory}
 * counts live and pooled bytes), the storage primitives of {@link rrcm.backend.Backend} (allocate,
 * transfers, copy, fill, convert), and the launch helper of grid-stride kernels. The op families
 * ({@link CudaRandom}, {@link CudaElementwise} and the others) launch their kernels through it.
 *
 * <p>The storage methods are synchronized: a storage may be released, or a batch uploaded, from another
 * thread than the one launching the step's kernels, and the allocator is the state they share.
 */
public final class CudaRuntime implements AutoCloseable {
    /** Threads of a grid-stride kernel's block. */
    static final int THREADS = 256;
    /** The largest grid extent in y and z (and the largest grid x the row kernels use). */
    static final int MAX_GRID_YZ = 65535;

    /** Returns the blocks of storages that were lost without a release (see {@link CudaStorage}). */
    private static final Cleaner RECLAIM = Cleaner.create();

    private final Device device;
    private final CachingAllocator allocator;
    private final CudaBackend backend;

    /** The runtime of a {@link CudaBackend}, whose storages name it as their backend. */
    CudaRuntime(Device device, CudaBackend backend) {
        this.device = device;
        this.allocator = new CachingAllocator(device);
        this.backend = backend;
    }

    /** The backend this runtime serves. */
    CudaBackend backend() {
        return backend;
    }

    public Device device() {
        return device;
    }

    /** Gives the allocator's pooled blocks back to the device. Live storages stay valid. */
    public synchronized void trim() {
        allocator.trim();
    }

    /** Trims the pool; storages still live are the device's to free when it closes. */
    @Override
    public void close() {
        trim();
    }

    // ---- storage -------------------------------------------------------------------------------------------

    public synchronized CudaStorage allocate(DType dtype, int numel) {
        if (numel < 0) throw new IllegalArgumentException(device.name() + ": cannot allocate " + numel + " elements");
        DeviceBuffer b = allocator.take((long) dtype.bytes() * numel, dtype + "[" + numel + "]");
        CudaStorage s = new CudaStorage(this, dtype, numel, b);
        CachingAllocator pool = allocator; // the action must not reach the storage, or it would never be unreachable
        s.reclaim(RECLAIM.register(s, () -> pool.give(b)));
        return s;
    }

    /** Back to the pool now (the cleaner's action, run here and never again). */
    public synchronized void release(CudaStorage storage) {
        CudaStorage s = own(storage, "release");
        s.markReleased();
        s.reclaim().clean();
    }

    public synchronized CudaStorage upload(float[] data) {
        CudaStorage s = allocate(DType.F32, data.length);
        device.copyFromHost(data, 0, s.buffer(), 0, data.length);
        return s;
    }

    public synchronized CudaStorage upload(int[] data) {
        CudaStorage s = allocate(DType.I32, data.length);
        device.copyFromHost(data, 0, s.buffer(), 0, data.length);
        return s;
    }

    public synchronized void download(CudaStorage src, float[] dst) {
        CudaStorage s = f32(src, "download");
        sameLength("download", s.numel(), dst.length);
        device.copyToHost(s.buffer(), 0, dst, 0, dst.length);
    }

    public synchronized void download(CudaStorage src, int[] dst) {
        CudaStorage s = i32(src, "download");
        sameLength("download", s.numel(), dst.length);
        device.copyToHost(s.buffer(), 0, dst, 0, dst.length);
    }

    /** Copies {@code count} elements of the same dtype. */
    public synchronized void copy(CudaStorage src, int srcOffset, CudaStorage dst, int dstOffset, int count) {
        CudaStorage s = own(src, "copy"), d = own(dst, "copy");
        if (s.dtype() != d.dtype()) throw new IllegalArgumentException("copy: " + s.dtype() + " to " + d.dtype());
        device.copy(s.buffer(), 4L * srcOffset, d.buffer(), 4L * dstOffset, 4L * count);
    }

    /** Sets every element; I32 storages take {@code (int) value}. */
    public synchronized void fill(CudaStorage out, float value) {
        CudaStorage o = own(out, "fill");
        int n = o.numel();
        if (n == 0) return;
        if (o.dtype() == DType.F32) {
            launch1d("ew_fill_f32", n, KernelArgs.of().ptr(o.buffer()).f32(value).i32(n));
        } else {
            launch1d("ew_fill_i32", n, KernelArgs.of().ptr(o.buffer()).i32((int) value).i32(n));
        }
    }

    /** Converts between F32 and I32 (float to int truncates toward zero). */
    public synchronized void convert(CudaStorage src, CudaStorage dst) {
        CudaStorage s = own(src, "convert"), d = own(dst, "convert");
        sameLength("convert", s.numel(), d.numel());
        int n = s.numel();
        if (n == 0) return;
        if (s.dtype() == d.dtype()) {
            copy(s, 0, d, 0, n);
        } else {
            launch1d(s.dtype() == DType.F32 ? "ew_f32_to_i32" : "ew_i32_to_f32", n,
                    KernelArgs.of().ptr(s.buffer()).ptr(d.buffer()).i32(n));
        }
    }

    /** Bytes of live storages, bytes pooled for reuse, and allocations that missed the pool. */
    public synchronized MemoryStats memory() {
        return allocator.stats();
    }

    // ---- helpers (package-private: the families of this package launch through them) ---------------------------

    /**
     * A grid-stride kernel over {@code work} items: 256-thread blocks, as many as the work needs up to what the
     * device holds at once for this kernel (its occupancy: a 40-register kernel fits fewer blocks than a
     * 20-register one, and a grid sized for more would run in waves).
     */
    void launch1d(String kernel, long work, KernelArgs args) {
        long blocks = Math.max(1, Math.min((work + THREADS - 1) / THREADS, device.residentBlocks(kernel, THREADS, 0)));
        device.launch(kernel, Dim3.of((int) blocks), Dim3.of(THREADS), 0, args);
    }

    CudaStorage own(CudaStorage s, String op) {
        if (s == null) throw new NullPointerException(op + ": storage is null");
        if (s.owner() != this) throw new IllegalArgumentException(op + ": storage belongs to another CUDA backend (" + s + ")");
        if (s.released()) {
            throw new IllegalStateException(op + ": storage was already released (a tensor used after its memory scope closed)");
        }
        return s;
    }

    CudaStorage f32(CudaStorage s, String op) {
        own(s, op);
        if (s.dtype() != DType.F32) throw new IllegalArgumentException(op + ": expected float32 storage, got " + s.dtype());
        return s;
    }

    CudaStorage i32(CudaStorage s, String op) {
        own(s, op);
        if (s.dtype() != DType.I32) throw new IllegalArgumentException(op + ": expected int32 storage, got " + s.dtype());
        return s;
    }

    static void sameLength(String op, long have, long want) {
        if (have != want) throw new IllegalArgumentException(op + ": " + have + " elements where " + want + " are needed");
    }
}
