package rrcm.device.gpu;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuFuncGetAttribute;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadDataJIT;
import static jcuda.driver.JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.JITOptions;
import jcuda.driver.JCudaDriver;
import rrcm.device.Device;
import rrcm.device.DeviceBuffer;
import rrcm.device.DeviceEvent;
import rrcm.device.DeviceException;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;
import rrcm.device.KernelIndex;
import rrcm.device.LaunchLimits;

/**
 * A GPU through CUDA's driver API (JCuda), in the manner of jcuda-samples: exceptions enabled, so that
 * every driver call is checked, and each lifetime explicit: the device's primary context is retained
 * at {@link #open} and released at {@link #close}; every PTX module of kernels/ptx is loaded once at
 * open (cuModuleLoadDataEx with the JIT's logs, from the classpath) and unloaded at close; functions are looked up once and
 * cached. All work goes to the default stream, so it runs in launch order and copies to the host wait
 * for it.
 *
 * <p>{@link #probe} says in one sentence why no GPU can be used: no driver (libcuda.so.1), no device,
 * PTX newer than the driver, a GPU older than sm_80. The engine then runs on the CPU backend.
 */
public final class CudaDevice implements Device {
    /** Whether a GPU can run the kernels, and in one sentence what it is or why not. */
    public record Probe(boolean available, String detail) {}

    /** The kernels are PTX for compute_80: Ampere and newer. */
    static final int MIN_COMPUTE_CAPABILITY = 80;

    private static Probe probe;

    /** The probe of device 0, done once per process. */
    public static synchronized Probe probe() {
        if (probe == null) probe = check();
        return probe;
    }

    private static Probe check() {
        try {
            SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            return new Probe(false, "no NVIDIA driver: libcuda.so.1 was not found");
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
        } catch (LinkageError e) {
            return new Probe(false, "JCuda's native library could not be loaded: " + e.getMessage());
        }
        try {
            cuInit(0);
        } catch (CudaException e) {
            String code = e.getMessage();
            if (code.contains("CUDA_ERROR_NO_DEVICE")) return new Probe(false, "no CUDA device: the NVIDIA driver sees no GPU");
            if (code.contains("CUDA_ERROR_INSUFFICIENT_DRIVER")) {
                return new Probe(false, "the NVIDIA driver is too old for JCuda 12.6: update the driver");
            }
            return new Probe(false, "the CUDA driver failed to initialize (" + code + ")");
        }
        try {
            int[] count = {0};
            cuDeviceGetCount(count);
            if (count[0] == 0) return new Probe(false, "no CUDA device: the NVIDIA driver sees no GPU");
            KernelIndex index = KernelIndex.load();
            int[] version = {0};
            cuDriverGetVersion(version);
            if (version[0] < index.requiredDriverVersion()) {
                return new Probe(false, "the PTX kernels (ISA " + index.isa() + ") need a driver for CUDA "
                        + index.requiredCuda() + " or newer, and this one is for CUDA " + cudaVersion(version[0])
                        + ": update the NVIDIA driver");
            }
            CUdevice dev = new CUdevice();
            cuDeviceGet(dev, 0);
            Info info = Info.of(dev, version[0]);
            if (info.computeCapability < MIN_COMPUTE_CAPABILITY) {
                return new Probe(false, info.name + " is sm_" + info.computeCapability
                        + ", older than sm_80, which the kernels need");
            }
            return new Probe(true, info.describe());
        } catch (CudaException e) {
            return new Probe(false, "the CUDA driver failed while probing the GPU (" + e.getMessage() + ")");
        }
    }

    private static String cudaVersion(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    private record Info(String name, int computeCapability, int multiprocessors, long memory, int driverVersion) {
        static Info of(CUdevice dev, int driverVersion) {
            byte[] name = new byte[256];
            cuDeviceGetName(name, name.length, dev);
            int len = 0;
            while (len < name.length && name[len] != 0) len++;
            long[] mem = {0};
            cuDeviceTotalMem(mem, dev);
            int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            return new Info(new String(name, 0, len, StandardCharsets.US_ASCII), 10 * major + minor,
                    attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), mem[0], driverVersion);
        }

        String describe() {
            return String.format(java.util.Locale.ROOT, "%s (sm_%d, %d SMs, %.1f GiB), driver for CUDA %s", name,
                    computeCapability, multiprocessors, memory / (double) (1L << 30), cudaVersion(driverVersion));
        }
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = {0};
        cuDeviceGetAttribute(v, attribute, dev);
        return v[0];
    }

    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final Info info;
    private final int sharedOptIn;
    private final KernelIndex index;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    /** Per kernel: the dynamic shared memory it is opted in for so far. */
    private final Map<String, Integer> sharedLimit = new HashMap<>();
    /** Per kernel: its static shared memory, as the driver reports it. */
    private final Map<String, Integer> staticShared = new HashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);
    private String lastKernel = "none";
    private boolean closed;

    private CudaDevice(int ordinal) {
        this.ordinal = ordinal;
        this.index = KernelIndex.load();
        call("cuDeviceGet", () -> cuDeviceGet(device, ordinal));
        int[] version = {0};
        call("cuDriverGetVersion", () -> cuDriverGetVersion(version));
        this.info = Info.of(device, version[0]);
        this.sharedOptIn = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
        call("cuDevicePrimaryCtxRetain", () -> cuDevicePrimaryCtxRetain(context, device));
        try {
            makeCurrent();
            for (String kernel : index.kernels()) {
                String module = index.moduleOf(kernel);
                CUmodule m = modules.get(module);
                if (m == null) {
                    CUmodule loaded = new CUmodule();
                    load(loaded, module, index.ptx(module));
                    modules.put(module, loaded);
                    m = loaded;
                }
                CUfunction f = new CUfunction();
                CUmodule in = m;
                call("cuModuleGetFunction " + kernel, () -> cuModuleGetFunction(f, in, kernel));
                functions.put(kernel, f);
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** Opens GPU {@code ordinal}; fails with the probe's sentence when no GPU can be used. */
    public static CudaDevice open(int ordinal) {
        Probe p = probe();
        if (!p.available()) throw new DeviceException("CUDA is not available: " + p.detail());
        return new CudaDevice(ordinal);
    }

    /** Runs a driver call, turning its error into a DeviceException that says what was being done. */
    private static final int JIT_LOG_BYTES = 16 * 1024;

    /**
     * Loads a PTX module through the JIT with its error and info logs kept (cuModuleLoadDataEx): a module the
     * driver refuses fails with the JIT's own account of why, not a bare error code.
     */
    private static void load(CUmodule module, String name, byte[] ptx) {
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        jit.putBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        try {
            call("loading PTX module " + name, () -> cuModuleLoadDataJIT(module, Pointer.to(ptx), jit));
        } catch (DeviceException e) {
            String error = jit.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
            String info = jit.getString(CUjit_option.CU_JIT_INFO_LOG_BUFFER);
            throw new DeviceException(e.getMessage() + (error == null || error.isBlank() ? "" : "; JIT error log: " + error.strip())
                    + (info == null || info.isBlank() ? "" : "; JIT info log: " + info.strip()), e);
        }
    }

    private static void call(String what, Runnable r) {
        try {
            r.run();
        } catch (CudaException e) {
            String code = e.getMessage();
            if (code != null && code.contains("UNSUPPORTED_PTX_VERSION")) {
                throw new DeviceException(what + ": the PTX is newer than this driver supports (" + code
                        + "): update the NVIDIA driver", e);
            }
            throw new DeviceException(what + " failed: " + code, e);
        }
    }

    /** The primary context is current per thread: make it current on the calling one. */
    private void makeCurrent() {
        if (closed) throw new DeviceException("the CUDA device is closed");
        if (!current.get()) {
            call("cuCtxSetCurrent", () -> cuCtxSetCurrent(context));
            current.set(true);
        }
    }

    @Override
    public String name() {
        return "cuda:" + ordinal;
    }

    @Override
    public String describe() {
        return info.describe();
    }

    @Override
    public int multiprocessors() {
        return info.multiprocessors;
    }

    // ---- memory -------------------------------------------------------------------------------------------

    private static final class Buffer implements DeviceBuffer {
        final CudaDevice device;
        final CUdeviceptr pointer;
        final long bytes;
        final String label;
        boolean freed;

        Buffer(CudaDevice device, CUdeviceptr pointer, long bytes, String label) {
            this.device = device;
            this.pointer = pointer;
            this.bytes = bytes;
            this.label = label;
        }

        CUdeviceptr at(long offset) {
            return offset == 0 ? pointer : pointer.withByteOffset(offset);
        }

        @Override
        public Device device() {
            return device;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public boolean freed() {
            return freed;
        }
    }

    private Buffer own(DeviceBuffer b, String op) {
        if (!(b instanceof Buffer g) || g.device != this) {
            throw new DeviceException(op + ": buffer " + (b == null ? "null" : "'" + b.label() + "'") + " does not belong to " + name());
        }
        if (g.freed) throw new DeviceException(op + ": buffer '" + g.label + "' was already freed");
        return g;
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes, String label) {
        makeCurrent();
        if (bytes < 0) throw new DeviceException("allocate: negative size " + bytes + " for '" + label + "'");
        CUdeviceptr p = new CUdeviceptr();
        call("cuMemAlloc of " + bytes + " bytes for '" + label + "'", () -> cuMemAlloc(p, Math.max(1, bytes)));
        return new Buffer(this, p, bytes, label);
    }

    @Override
    public synchronized void free(DeviceBuffer buffer) {
        makeCurrent();
        Buffer b = own(buffer, "free");
        call("cuMemFree of '" + b.label + "'", () -> cuMemFree(b.pointer));
        b.freed = true;
    }

    @Override
    public synchronized void copyFromHost(float[] src, int srcIndex, DeviceBuffer dst, long dstOffset, int count) {
        makeCurrent();
        Buffer d = own(dst, "copy to device");
        DeviceBuffer.checkRange(d, dstOffset, 4L * count, "copy to device");
        call("cuMemcpyHtoD to '" + d.label + "'",
                () -> cuMemcpyHtoD(d.at(dstOffset), Pointer.to(src).withByteOffset(4L * srcIndex), 4L * count));
    }

    @Override
    public synchronized void copyFromHost(int[] src, int srcIndex, DeviceBuffer dst, long dstOffset, int count) {
        makeCurrent();
        Buffer d = own(dst, "copy to device");
        DeviceBuffer.checkRange(d, dstOffset, 4L * count, "copy to device");
        call("cuMemcpyHtoD to '" + d.label + "'",
                () -> cuMemcpyHtoD(d.at(dstOffset), Pointer.to(src).withByteOffset(4L * srcIndex), 4L * count));
    }

    @Override
    public synchronized void copyToHost(DeviceBuffer src, long srcOffset, float[] dst, int dstIndex, int count) {
        makeCurrent();
        Buffer s = own(src, "copy to host");
        DeviceBuffer.checkRange(s, srcOffset, 4L * count, "copy to host");
        call("cuMemcpyDtoH from '" + s.label + "' (after kernel " + lastKernel + ")",
                () -> cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * dstIndex), s.at(srcOffset), 4L * count));
    }

    @Override
    public synchronized void copyToHost(DeviceBuffer src, long srcOffset, int[] dst, int dstIndex, int count) {
        makeCurrent();
        Buffer s = own(src, "copy to host");
        DeviceBuffer.checkRange(s, srcOffset, 4L * count, "copy to host");
        call("cuMemcpyDtoH from '" + s.label + "' (after kernel " + lastKernel + ")",
                () -> cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * dstIndex), s.at(srcOffset), 4L * count));
    }

    @Override
    public synchronized void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long bytes) {
        makeCurrent();
        Buffer s = own(src, "device copy"), d = own(dst, "device copy");
        DeviceBuffer.checkRange(s, srcOffset, bytes, "device copy");
        DeviceBuffer.checkRange(d, dstOffset, bytes, "device copy");
        if (bytes == 0) return;
        call("cuMemcpyDtoD '" + s.label + "' to '" + d.label + "'", () -> cuMemcpyDtoD(d.at(dstOffset), s.at(srcOffset), bytes));
    }

    /** Per kernel and block size: the blocks one multiprocessor holds at once (the driver's occupancy calculator). */
    private final Map<String, Integer> occupancy = new HashMap<>();

    @Override
    public synchronized int residentBlocks(String kernel, int threads, int sharedBytes) {
        CUfunction f = functions.get(kernel);
        if (f == null) throw new DeviceException("no kernel named '" + kernel + "' in kernels/ptx/index.txt");
        int perSm = occupancy.computeIfAbsent(kernel + "/" + threads + "/" + sharedBytes, key -> {
            int[] blocks = {0};
            makeCurrent();
            call("cuOccupancyMaxActiveBlocksPerMultiprocessor " + kernel,
                    () -> cuOccupancyMaxActiveBlocksPerMultiprocessor(blocks, f, threads, sharedBytes));
            return Math.max(1, blocks[0]);
        });
        return perSm * info.multiprocessors();
    }

    // ---- cuBLAS ---------------------------------------------------------------------------------------------------

    private java.util.Optional<rrcm.device.Blas> blas;
    private String blasStatus;
    private Cublas cublas;

    /** cuBLAS, found and bound once (-Drrcm.cublas=off keeps the engine's own GEMM kernel). */
    @Override
    public synchronized java.util.Optional<rrcm.device.Blas> blas() {
        if (blas == null) {
            if ("off".equals(System.getProperty("rrcm.cublas"))) {
                blas = java.util.Optional.empty();
                blasStatus = "cuBLAS turned off by -Drrcm.cublas=off";
            } else {
                try {
                    makeCurrent();
                    cublas = Cublas.open();
                    blas = java.util.Optional.of(new CublasGemm());
                    blasStatus = "cuBLAS at " + cublas.library();
                } catch (DeviceException e) {
                    blas = java.util.Optional.empty();
                    blasStatus = e.getMessage();
                }
            }
        }
        return blas;
    }

    @Override
    public synchronized String blasStatus() {
        blas();
        return blasStatus;
    }

    /** The device address of a buffer's byte, as a raw pointer for cuBLAS. */
    private static long address(Buffer b, long offset) {
        try {
            java.lang.reflect.Method native_ = jcuda.NativePointerObject.class.getDeclaredMethod("getNativePointer");
            native_.setAccessible(true);
            return (long) native_.invoke(b.pointer) + offset;
        } catch (ReflectiveOperationException e) {
            throw new DeviceException("cannot read a device pointer's address from JCuda: " + e, e);
        }
    }

    private final class CublasGemm implements rrcm.device.Blas {
        @Override
        public String describe() {
            return "cuBLAS";
        }

        @Override
        public void gemm(boolean tf32, boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a,
                         long strideA, DeviceBuffer b, long strideB, float beta, DeviceBuffer c, long strideC, int batch) {
            synchronized (CudaDevice.this) {
                makeCurrent();
                Buffer ba = own(a, "gemm operand a"), bb = own(b, "gemm operand b"), bc = own(c, "gemm output c");
                // row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: B's storage goes first
                cublas.gemm(tf32, rrcm.device.ColumnMajorGemm.of(transA, transB, m, n, k), alpha, address(bb, 0), strideB,
                        address(ba, 0), strideA, beta, address(bc, 0), strideC, batch);
            }
        }
    }

    // ---- launches -----------------------------------------------------------------------------------------------

    @Override
    public synchronized void launch(String kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArgs args) {
        makeCurrent();
        CUfunction f = functions.get(kernel);
        if (f == null) throw new DeviceException("no kernel named '" + kernel + "' in kernels/ptx/index.txt");
        LaunchLimits.checkGeometry(kernel, grid, block);
        int statics = staticShared.computeIfAbsent(kernel, k -> {
            int[] v = {0};
            call("cuFuncGetAttribute " + k, () -> cuFuncGetAttribute(v, CUfunction_attribute.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, f));
            return v[0];
        });
        int optIn = LaunchLimits.optIn(kernel, statics, sharedBytes, sharedOptIn);
        if (optIn > sharedLimit.getOrDefault(kernel, 0)) {
            call("cuFuncSetAttribute " + kernel, () -> cuFuncSetAttribute(f,
                    CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, optIn));
            sharedLimit.put(kernel, optIn);
        }
        List<KernelArgs.Arg> list = args.list();
        Pointer[] params = new Pointer[list.size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = switch (list.get(i)) {
                case KernelArgs.Ptr p -> p.buffer() == null ? Pointer.to(new long[] {0})
                        : Pointer.to(at(own(p.buffer(), kernel + " argument " + i), p.offset(), kernel, i));
                case KernelArgs.I32 a -> Pointer.to(new int[] {a.value()});
                case KernelArgs.F32 a -> Pointer.to(new float[] {a.value()});
                case KernelArgs.I64 a -> Pointer.to(new long[] {a.value()});
                case KernelArgs.Struct s -> Pointer.to(s.words());
            };
        }
        lastKernel = kernel;
        call("cuLaunchKernel " + kernel + " grid " + grid + " block " + block + " shared " + sharedBytes,
                () -> cuLaunchKernel(f, grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(), sharedBytes, null,
                        Pointer.to(params), null));
    }

    private static CUdeviceptr at(Buffer b, long offset, String kernel, int i) {
        if (offset < 0 || offset > b.bytes) {
            throw new DeviceException(kernel + " argument " + i + ": offset " + offset + " is outside buffer '" + b.label
                    + "' of " + b.bytes + " bytes");
        }
        return b.at(offset);
    }

    @Override
    public synchronized void synchronize() {
        makeCurrent();
        call("cuCtxSynchronize (after kernel " + lastKernel + ")", JCudaDriver::cuCtxSynchronize);
    }

    private final class Event implements DeviceEvent {
        final CUevent event = new CUevent();
        boolean destroyed;

        Event() {
            call("cuEventCreate", () -> cuEventCreate(event, 0));
            call("cuEventRecord", () -> cuEventRecord(event, null));
        }

        @Override
        public void close() {
            synchronized (CudaDevice.this) {
                if (destroyed || closed) return;
                makeCurrent();
                call("cuEventDestroy", () -> cuEventDestroy(event));
                destroyed = true;
            }
        }
    }

    @Override
    public synchronized DeviceEvent record() {
        makeCurrent();
        return new Event();
    }

    @Override
    public synchronized float elapsedMillis(DeviceEvent start, DeviceEvent end) {
        makeCurrent();
        if (!(start instanceof Event s) || !(end instanceof Event e)) throw new DeviceException("events of another device");
        call("cuEventSynchronize (after kernel " + lastKernel + ")", () -> cuEventSynchronize(e.event));
        float[] ms = {0};
        call("cuEventElapsedTime", () -> cuEventElapsedTime(ms, s.event, e.event));
        return ms[0];
    }

    /** Unloads the modules and releases the primary context. Buffers not freed go with the context. */
    @Override
    public synchronized void close() {
        if (closed) return;
        makeCurrent();
        try {
            call("cuCtxSynchronize at close", JCudaDriver::cuCtxSynchronize);
        } finally {
            release();
        }
    }

    private void release() {
        if (cublas != null) {
            try {
                cublas.close();
            } catch (DeviceException e) {
                // the context goes next; a handle that cannot be destroyed goes with it
            }
            cublas = null;
        }
        try {
            for (CUmodule m : modules.values()) call("cuModuleUnload", () -> cuModuleUnload(m));
            modules.clear();
            functions.clear();
        } finally {
            closed = true;
            call("cuDevicePrimaryCtxRelease", () -> cuDevicePrimaryCtxRelease(device));
        }
    }
}
