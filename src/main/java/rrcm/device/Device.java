package rrcm.device;

/**
 * Where kernels run: a GPU through the CUDA driver ({@code rrcm.device.gpu}) or the host emulator that
 * runs the same kernel sources on the CPU ({@code rrcm.device.emulator}). Everything above this layer
 * (the CUDA backend) is written once against this interface, so the launch path tested on the
 * emulator (argument packing, grid and block sizes, shared memory sizes) is the one a GPU runs.
 *
 * <p>Kernels are named by their {@code extern "C"} names in kernels/*.cu. Launches and device-to-device
 * copies are ordered on one stream; copies to the host wait for the work before them. Offsets are in
 * bytes, host indices and counts in elements. A device is used by one thread at a time or under the
 * caller's lock (implementations make each call atomic, nothing more).
 */
public interface Device extends AutoCloseable {
    /** Short name: "emulator", "cuda:0". */
    String name();

    /** One line for {@code info} and reports: what runs the kernels. */
    String describe();

    /** Streaming multiprocessors (the emulator reports a small number): grid-stride kernels size grids by it. */
    int multiprocessors();

    /**
     * Blocks of {@code threads} threads with {@code sharedBytes} of dynamic shared memory that the whole device
     * holds at once for this kernel (its occupancy times the multiprocessors): how many a grid-stride kernel
     * needs to fill the device. Without an occupancy calculator, 8 per multiprocessor.
     */
    default int residentBlocks(String kernel, int threads, int sharedBytes) {
        return 8 * multiprocessors();
    }

    /** New device memory, 256-byte aligned, contents unspecified; the label names it in error messages. */
    DeviceBuffer allocate(long bytes, String label);

    /** Gives the memory back to the driver; the buffer must not be used afterwards. */
    void free(DeviceBuffer buffer);

    void copyFromHost(float[] src, int srcIndex, DeviceBuffer dst, long dstOffset, int count);

    void copyFromHost(int[] src, int srcIndex, DeviceBuffer dst, long dstOffset, int count);

    void copyToHost(DeviceBuffer src, long srcOffset, float[] dst, int dstIndex, int count);

    void copyToHost(DeviceBuffer src, long srcOffset, int[] dst, int dstIndex, int count);

    void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long bytes);

    /**
     * Launches {@code kernel} with {@code grid} blocks of {@code block} threads and {@code sharedBytes}
     * of dynamic shared memory. The arguments must match the kernel's parameters in order and kind.
     */
    void launch(String kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArgs args);

    /**
     * The vendor BLAS of this device (cuBLAS on a GPU where the library is found), or empty: then the
     * engine's own GEMM kernel runs. {@link #blasStatus} says which, and why.
     */
    default java.util.Optional<Blas> blas() {
        return java.util.Optional.empty();
    }

    /** For {@code info}: the BLAS in use, or why there is none. */
    default String blasStatus() {
        return "this device has no BLAS";
    }

    /** Waits for all work; reports a failure of earlier asynchronous work. */
    void synchronize();

    /** Records an event after the work launched so far. */
    DeviceEvent record();

    /** Milliseconds between two recorded events, waiting for the second. */
    float elapsedMillis(DeviceEvent start, DeviceEvent end);

    @Override
    void close();
}
