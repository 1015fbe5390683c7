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
}
