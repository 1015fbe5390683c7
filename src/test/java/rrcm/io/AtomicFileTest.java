package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails at any point leaves the old file as it was and no temporary file behind. */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheContent() throws IOException {
        Path f = dir.resolve("config.yaml");
        AtomicFile.writeString(f, "old");
        AtomicFile.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertEquals(List.of(f), list());
    }

    @Test
    void aWriterThatFailsHalfWayLeavesTheOldFile() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        AtomicFile.writeString(f, "old content");
        IOException failure = new IOException("No space left on device");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, ch -> {
            ch.write(ByteBuffer.wrap(new byte[4096]));
            throw failure;
        }));
        assertSame(failure, e);
        assertEquals("old content", Files.readString(f));
        assertEquals(List.of(f), list());
    }

    @Test
    void anUncheckedFailureAlsoCleansUp() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        AtomicFile.writeString(f, "old content");
        assertThrows(IllegalStateException.class, () -> AtomicFile.write(f, ch -> {
            ch.write(ByteBuffer.wrap(new byte[10]));
            throw new IllegalStateException("interrupted");
        }));
        assertEquals("old content", Files.readString(f));
        assertEquals(List.of(f), list());
    }

    @Test
    void theNewFileGetsTheUsualPermissionsNotThoseOfATemporaryFile() throws IOException {
        Path f = dir.resolve("shared.txt");
        AtomicFile.writeString(f, "x");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertEquals(expected, Files.getPosixFilePermissions(f));
    }

    private List<Path> list() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
