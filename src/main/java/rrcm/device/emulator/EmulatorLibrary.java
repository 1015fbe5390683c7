package rrcm.device.emulator;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import rrcm.device.DeviceException;

/**
 * The C API of libkernels-emu.so (kernels/emu/runtime.cpp) bound through FFM. One instance per
 * library file for the life of the process: the library holds global state (the static shared memory
 * of the kernels), so it is loaded once and its launches are serialized.
 */
final class EmulatorLibrary {
    static final int ABI_VERSION = 1;

    /** A kernel compiled into the library; test-only kernels come from kernels/test/ and have no PTX. */
    record Kernel(String name, String source, boolean testOnly) {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final List<EmulatorLibrary> LOADED = new ArrayList<>();

    final Path path;
    final List<Kernel> kernels;
    private final MethodHandle malloc, free, launch, error, faultCount, faultBase, faultFirst, faultLast, liveBytes;

    private EmulatorLibrary(Path path) {
        this.path = path;
        SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
        MethodHandle abi = bind(lib, "emu_abi_version", FunctionDescriptor.of(JAVA_INT));
        int version = (int) invoke(abi);
        if (version != ABI_VERSION) {
            throw new DeviceException("emulator library " + path + " has ABI version " + version + ", this engine needs "
                    + ABI_VERSION + ": rebuild it with tools/build-emulator");
        }
        malloc = bind(lib, "emu_malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
        free = bind(lib, "emu_free", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        launch = bind(lib, "emu_launch", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG));
        error = bind(lib, "emu_error", FunctionDescriptor.of(ADDRESS));
        faultCount = bind(lib, "emu_fault_count", FunctionDescriptor.of(JAVA_INT));
        faultBase = bind(lib, "emu_fault_base", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        faultFirst = bind(lib, "emu_fault_first", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        faultLast = bind(lib, "emu_fault_last", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        liveBytes = bind(lib, "emu_live_bytes", FunctionDescriptor.of(JAVA_LONG));
        MethodHandle count = bind(lib, "emu_kernel_count", FunctionDescriptor.of(JAVA_INT));
        MethodHandle name = bind(lib, "emu_kernel_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle source = bind(lib, "emu_kernel_source", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle testOnly = bind(lib, "emu_kernel_test_only", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        List<Kernel> ks = new ArrayList<>();
        int n = (int) invoke(count);
        for (int i = 0; i < n; i++) {
            ks.add(new Kernel(string((MemorySegment) invoke(name, i)), string((MemorySegment) invoke(source, i)),
                    (int) invoke(testOnly, i) != 0));
        }
        kernels = List.copyOf(ks);
    }

    /** The library at {@code path}, loaded once per process. */
    static synchronized EmulatorLibrary load(Path path) {
        Path p = path.toAbsolutePath().normalize();
        for (EmulatorLibrary l : LOADED) if (l.path.equals(p)) return l;
        if (!Files.isRegularFile(p)) {
            throw new DeviceException("the kernel emulator library " + p + " does not exist: tools/build-emulator builds it "
                    + "(g++ needed), and tools/test does so before the tests");
        }
        EmulatorLibrary l = new EmulatorLibrary(p);
        LOADED.add(l);
        return l;
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor d) {
        MemorySegment s = lib.find(name).orElseThrow(() -> new DeviceException(
                "emulator library lacks " + name + ": rebuild it with tools/build-emulator"));
        return LINKER.downcallHandle(s, d);
    }

    private static Object invoke(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("emulator call failed: " + t, t);
        }
    }

    static String string(MemorySegment p) {
        return p.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    long malloc(long bytes) {
        try {
            return (long) malloc.invokeExact(bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int free(long address) {
        try {
            return (int) free.invokeExact(address);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int launch(MemorySegment name, MemorySegment grid, MemorySegment block, int dynamicBytes, int nargs,
               MemorySegment kinds, MemorySegment sizes, MemorySegment values, int order, long seed) {
        try {
            return (int) launch.invokeExact(name, grid, block, dynamicBytes, nargs, kinds, sizes, values, order, seed);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String error() {
        try {
            return string((MemorySegment) error.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A write outside a buffer seen by the last launch: offsets from the buffer start, negative before it. */
    record Fault(long base, long first, long last) {}

    List<Fault> faults() {
        try {
            int n = (int) faultCount.invokeExact();
            List<Fault> f = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                f.add(new Fault((long) faultBase.invokeExact(i), (long) faultFirst.invokeExact(i),
                        (long) faultLast.invokeExact(i)));
            }
            return f;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long liveBytes() {
        try {
            return (long) liveBytes.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new DeviceException("emulator call failed: " + t, t);
    }
}
