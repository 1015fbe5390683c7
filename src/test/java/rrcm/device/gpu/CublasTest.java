package rrcm.device.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import rrcm.device.DeviceException;

/** Finding cuBLAS, where none is installed (as here): the places looked at, and one sentence when it is absent. */
class CublasTest {
    @Test
    void itIsLookedForInTheUsualPlacesAndAnExplicitPathComesFirst() {
        String before = System.getProperty("rrcm.cublas");
        System.setProperty("rrcm.cublas", "/nowhere/libcublas.so.13");
        try {
            List<Path> c = Cublas.candidates();
            assertTrue(c.getFirst().equals(Path.of("/nowhere/libcublas.so.13")), c.toString());
            assertTrue(c.contains(Path.of("/usr/local/cuda/lib64/libcublas.so.13")), c.toString());
            assertTrue(c.contains(Path.of("/usr/local/cuda/lib64/libcublas.so.12")), c.toString());
        } finally {
            if (before == null) System.clearProperty("rrcm.cublas");
            else System.setProperty("rrcm.cublas", before);
        }
    }

    @Test
    void withoutTheLibraryLoadingFailsWithOneSentence() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Cublas.candidates().stream().noneMatch(java.nio.file.Files::isRegularFile),
                "a cuBLAS is installed here");
        DeviceException e = assertThrows(DeviceException.class, Cublas::open);
        assertTrue(e.getMessage().startsWith("no cuBLAS library found (set -Drrcm.cublas=PATH;"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    /**
     * The binding's parameter kinds against cublas_api.h, where a CUDA toolkit (or PyTorch's NVIDIA wheel)
     * has the header; skipped with the places looked at where none does (this machine has none).
     */
    @Test
    void theBindingMatchesTheHeaderWhereOneIsInstalled() throws java.io.IOException {
        List<Path> places = new java.util.ArrayList<>();
        String cuda = System.getenv("CUDA_PATH");
        if (cuda != null) places.add(Path.of(cuda, "include/cublas_api.h"));
        places.add(Path.of("/usr/local/cuda/include/cublas_api.h"));
        places.add(Path.of("/usr/include/cublas_api.h"));
        for (Path lib : Cublas.candidates()) places.add(lib.getParent().resolveSibling("include").resolve("cublas_api.h"));
        Path header = places.stream().filter(java.nio.file.Files::isRegularFile).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(header != null, "no cublas_api.h here (looked in "
                + places.stream().map(p -> p.getParent().toString()).distinct().limit(4).toList() + ")");
        String text = java.nio.file.Files.readString(header);
        for (var e : Cublas.SIGNATURES.entrySet()) {
            org.junit.jupiter.api.Assertions.assertEquals(e.getValue(), kinds(text, e.getKey()), e.getKey() + " in " + header);
        }
    }

    /** The reading of a header, on declarations written as cublas_api.h writes them. */
    @Test
    void declarationsAreReadAsTheirParameterKinds() {
        String header = """
                /* cublasCreate_v2(int) in a comment */
                CUBLASAPI cublasStatus_t CUBLASWINAPI cublasCreate_v2(cublasHandle_t* handle);
                CUBLASAPI cublasStatus_t CUBLASWINAPI cublasSgemmStridedBatched(cublasHandle_t handle,
                                                                         cublasOperation_t transa,
                                                                         const float* alpha, /* host or device pointer */
                                                                         long long int strideA,
                                                                         int batchCount);
                """;
        org.junit.jupiter.api.Assertions.assertEquals(List.of("address"), kinds(header, "cublasCreate_v2"));
        org.junit.jupiter.api.Assertions.assertEquals(List.of("address", "int", "address", "long", "int"),
                kinds(header, "cublasSgemmStridedBatched"));
    }

    /** The parameter kinds of a function's declaration in a header's text (comments removed first). */
    private static List<String> kinds(String headerText, String function) {
        String text = headerText.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
        var m = java.util.regex.Pattern.compile("\\b" + function + "\\s*\\(([^)]*)\\)").matcher(text);
        assertTrue(m.find(), "no declaration of " + function);
        List<String> kinds = new java.util.ArrayList<>();
        for (String param : m.group(1).split(",")) kinds.add(kind(param.strip()));
        return kinds;
    }

    /** The FFM kind of a C parameter: pointers and handles are addresses, 64-bit integers long, the rest int. */
    private static String kind(String param) {
        if (param.contains("*") || param.startsWith("cublasHandle_t")) return "address";
        if (param.contains("long long") || param.contains("int64_t")) return "long";
        return "int";
    }
}
