package rrcm.device;

/**
 * What a kernel launch may ask of a GPU, checked the same way by both devices before a launch, so that a
 * launch the hardware would refuse fails on the emulator in CI rather than at the first GPU call.
 *
 * <p>Shared memory: a block gets its kernel's static shared memory (the {@code __shared__} arrays ptxas
 * counted) plus the launch's dynamic shared memory. Up to {@link #DEFAULT_SHARED} (48 KiB) in all, a
 * launch needs nothing; above it, the kernel must have been opted in
 * (CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES) for its dynamic part, and the total must stay within
 * the device's opt-in maximum. The test is on the total, not on the dynamic part alone: a kernel with 512
 * bytes of static and exactly 48 KiB of dynamic shared memory needs the opt-in (the engine's first InfoNCE
 * backward kernel, at feature widths 192 to 1024, would otherwise have failed with CUDA_ERROR_INVALID_VALUE).
 *
 * <p>Geometry: at most {@link #MAX_THREADS} threads per block (and 64 in z), a grid of at most 2^31 - 1
 * blocks in x and 65,535 in y and z.
 */
public final class LaunchLimits {
    /** Shared memory every block may use without an opt-in. */
    public static final int DEFAULT_SHARED = 48 * 1024;
    /**
     * The opt-in maximum the emulator enforces: sm_80's 163 KiB, the smallest of the GPUs the PTX targets
     * with an opt-in beyond 99 KiB (sm_90 allows 227 KiB; sm_86 and sm_89 99 KiB, which the kernels' own
     * sizing keeps under).
     */
    public static final int EMULATED_OPT_IN_MAX = 163 * 1024;
    public static final int MAX_THREADS = 1024;
    private static final int MAX_BLOCK_Z = 64;
    private static final long MAX_GRID_X = Integer.MAX_VALUE;
    private static final int MAX_GRID_YZ = 65535;

    private LaunchLimits() {}

    /**
     * The dynamic shared memory the kernel must be opted in for before this launch, or 0 when the total fits
     * the default; a total above the device's opt-in maximum is refused with the kernel's name and both sizes.
     */
    public static int optIn(String kernel, int staticBytes, int dynamicBytes, int optInMax) {
        if (dynamicBytes < 0) throw new DeviceException(kernel + ": negative dynamic shared memory " + dynamicBytes);
        long total = (long) staticBytes + dynamicBytes;
        if (total <= DEFAULT_SHARED) return 0;
        if (total > optInMax) {
            throw new DeviceException(kernel + ": " + staticBytes + " bytes of static and " + dynamicBytes
                    + " bytes of dynamic shared memory, " + total + " in all, exceed the " + optInMax
                    + " bytes a block may have on this device");
        }
        return dynamicBytes;
    }

    /** Refuses a block or grid the hardware would, with the kernel's name and the sizes. */
    public static void checkGeometry(String kernel, Dim3 grid, Dim3 block) {
        long threads = (long) block.x() * block.y() * block.z();
        if (block.x() < 1 || block.y() < 1 || block.z() < 1 || threads > MAX_THREADS || block.z() > MAX_BLOCK_Z) {
            throw new DeviceException(kernel + ": a block of " + block + " (" + threads + " threads) is outside the "
                    + MAX_THREADS + " threads (and " + MAX_BLOCK_Z + " in z) a block may have");
        }
        if (grid.x() < 1 || grid.y() < 1 || grid.z() < 1 || grid.x() > MAX_GRID_X || grid.y() > MAX_GRID_YZ
                || grid.z() > MAX_GRID_YZ) {
            throw new DeviceException(kernel + ": a grid of " + grid + " is outside 1 to 2^31 - 1 blocks in x and 1 to "
                    + MAX_GRID_YZ + " in y and z");
        }
    }
}
