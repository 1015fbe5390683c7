package rrcm.device.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
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
 * The few cuBLAS calls the engine needs, bound through the FFM API at run time (JCublas binds
 * libcublas.so.12, which CUDA 13 machines lack): create and destroy a handle, set its math mode, and
 * cublasSgemmStridedBatched. The library is looked for, in order, as {@code -Drrcm.cublas=PATH}, in the
 * directories of LD_LIBRARY_PATH, CUDA_PATH/lib64, /usr/local/cuda/lib64 and the system's library
 * directories, and inside an installed PyTorch's NVIDIA wheels (site-packages/nvidia/cublas/lib), as
 * libcublas.so, .so.13 or .so.12. The signatures are those of cublas_api.h (CUDA 12 and 13):
 * <pre>
 * cublasStatus_t cublasCreate_v2(cublasHandle_t* handle);
 * cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);
 * cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode);
 * cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
 *     cublasOperation_t transb, int m, int n, int k, const float* alpha, const float* A, int lda,
 *     long long strideA, const float* B, int ldb, long long strideB, const float* beta, float* C, int ldc,
 *     long long strideC, int batchCount);
 * </pre>
 * The handle uses the default stream and the current context (the device's primary one), so its products
 * run in order with the engine's own launches.
 */
final class Cublas implements AutoCloseable {
    /** cublasOperation_t and cublasMath_t values (cublas_api.h). */
    static final int OP_N = 0, OP_T = 1, DEFAULT_MATH = 0, TF32_TENSOR_OP_MATH = 3;
    private static final String[] NAMES = {"libcublas.so", "libcublas.so.13", "libcublas.so.12"};

    /**
     * The parameter kinds the binding passes, per function ("address", "int" for 32-bit integers and enums,
     * "long" for 64-bit ones), in order: CublasTest holds them to cublas_api.h where a toolkit has it.
     */
    static final java.util.Map<String, List<String>> SIGNATURES = java.util.Map.of(
            "cublasCreate_v2", List.of("address"),
            "cublasDestroy_v2", List.of("address"),
            "cublasSetMathMode", List.of("address", "int"),
            "cublasSgemmStridedBatched", List.of("address", "int", "int", "int", "int", "int", "address", "address", "int",
                    "long", "address", "int", "long", "address", "address", "int", "long", "int"));

    private final Path library;
    private final Arena arena = Arena.ofShared();
    private final MethodHandle destroy, setMathMode, sgemmStridedBatched;
    private final MemorySegment handle;
    private final MemorySegment scalars;
    private int mathMode = -1;

    private Cublas(Path library) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, arena);
        MethodHandle create = bind(linker, lookup, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = bind(linker, lookup, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setMathMode = bind(linker, lookup, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        sgemmStridedBatched = bind(linker, lookup, "cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT,
                JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
        MemorySegment out = arena.allocate(ADDRESS);
        check("cublasCreate_v2", invoke(create, out));
        handle = out.get(ADDRESS, 0);
        scalars = arena.allocate(JAVA_FLOAT, 2); // alpha and beta, read by cuBLAS on the host (pointer mode host)
    }

    /** cuBLAS, or a DeviceException whose message says where it was looked for. */
    static Cublas open() {
        List<Path> tried = new ArrayList<>();
        for (Path p : candidates()) {
            tried.add(p);
            if (Files.isRegularFile(p)) {
                try {
                    return new Cublas(p);
                } catch (RuntimeException e) {
                    throw new DeviceException("cuBLAS at " + p + " did not load: " + e.getMessage(), e);
                }
            }
        }
        throw new DeviceException("no cuBLAS library found (set -Drrcm.cublas=PATH; looked in " + tried.size()
                + " places, e.g. " + (tried.isEmpty() ? "none" : tried.getFirst().getParent()) + ")");
    }

    /** Where the library may be, in the order they are tried. */
    static List<Path> candidates() {
        List<Path> dirs = new ArrayList<>();
        String explicit = System.getProperty("rrcm.cublas");
        List<Path> out = new ArrayList<>();
        if (explicit != null && !explicit.isBlank()) out.add(Path.of(explicit));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String d : ld.split(":")) if (!d.isBlank()) dirs.add(Path.of(d));
        String cuda = System.getenv("CUDA_PATH");
        if (cuda != null && !cuda.isBlank()) dirs.add(Path.of(cuda, "lib64"));
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        dirs.add(Path.of("/usr/lib64"));
        dirs.addAll(pytorchWheels());
        for (Path d : dirs) for (String n : NAMES) out.add(d.resolve(n));
        return out;
    }

    /** site-packages/nvidia/cublas/lib of the Python installations that can be found without running Python. */
    private static List<Path> pytorchWheels() {
        List<Path> found = new ArrayList<>();
        for (Path root : List.of(Path.of("/usr/local/lib"), Path.of("/usr/lib"), Path.of(System.getProperty("user.home"), ".local/lib"),
                Path.of("/opt/conda/lib"))) {
            if (!Files.isDirectory(root)) continue;
            try (var pythons = Files.list(root)) {
                pythons.filter(p -> p.getFileName().toString().startsWith("python3")).forEach(py -> {
                    for (String site : List.of("site-packages", "dist-packages")) {
                        Path lib = py.resolve(site).resolve("nvidia/cublas/lib");
                        if (Files.isDirectory(lib)) found.add(lib);
                    }
                });
            } catch (java.io.IOException e) {
                // an unreadable directory is one place less to look
            }
        }
        return found;
    }

    Path library() {
        return library;
    }

    /** The row-major product of {@link rrcm.device.Blas#gemm} on device addresses (raw pointers). */
    void gemm(boolean tf32, rrcm.device.ColumnMajorGemm g, float alpha, long first, long strideFirst, long second,
              long strideSecond, float beta, long c, long strideC, int batch) {
        int mode = tf32 ? TF32_TENSOR_OP_MATH : DEFAULT_MATH;
        if (mode != mathMode) {
            check("cublasSetMathMode", invoke(setMathMode, handle, mode));
            mathMode = mode;
        }
        scalars.setAtIndex(JAVA_FLOAT, 0, alpha);
        scalars.setAtIndex(JAVA_FLOAT, 1, beta);
        check("cublasSgemmStridedBatched", invoke(sgemmStridedBatched, handle, g.transFirst() ? OP_T : OP_N,
                g.transSecond() ? OP_T : OP_N, g.rows(), g.cols(), g.depth(), scalars,
                MemorySegment.ofAddress(first), g.ldFirst(), strideFirst, MemorySegment.ofAddress(second), g.ldSecond(),
                strideSecond, scalars.asSlice(JAVA_FLOAT.byteSize()), MemorySegment.ofAddress(c), g.ldc(), strideC, batch));
    }

    @Override
    public void close() {
        try {
            check("cublasDestroy_v2", invoke(destroy, handle));
        } finally {
            arena.close();
        }
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor d) {
        MemorySegment symbol = lookup.find(name).orElseThrow(() -> new DeviceException("cuBLAS has no symbol " + name));
        return linker.downcallHandle(symbol, d);
    }

    private static int invoke(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (Throwable t) {
            throw new DeviceException("calling cuBLAS failed: " + t, t);
        }
    }

    private static void check(String what, int status) {
        if (status != 0) throw new DeviceException(what + " returned cuBLAS status " + status);
    }
}
