package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a file can be broken is one sentence that names the file and the problem. */
class SafetensorsValidationTest {
    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("bad.safetensors"), bytes);
    }

    /** A file with this header text (length prefix included) followed by {@code dataBytes} zero bytes. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(new byte[dataBytes]);
        return file(out.toByteArray());
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private static void assertFails(Path f, String problem) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        assertEquals(f + ": " + problem, e.getMessage());
        // the header-only read finds the same problems
        assertEquals(e.getMessage(), assertThrows(CheckpointException.class, () -> Safetensors.readHeader(f)).getMessage());
    }

    @Test
    void tooShortForAHeaderLength() throws IOException {
        assertFails(file(new byte[5]), "the file is 5 bytes long, too short for the 8-byte header length that starts a safetensors file");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array();
        assertFails(file(b), "the header length 100 runs past the end of the file, which has only 4 bytes after it");
        byte[] huge = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array();
        assertFails(file(huge), "the header length 18446744073709551615 runs past the end of the file, which has only 0 bytes after it");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putLong(2).put((byte) 0xc3).put((byte) 0x28).array();
        assertFails(file(b), "the header is not valid UTF-8 text");
    }

    @Test
    void headerNotJson() throws IOException {
        assertFails(file("{\"a\":", 0), "the header is not valid JSON: unexpected end of text, expected a value at character 5");
        assertFails(file("{'a': 1}", 0), "the header is not valid JSON: expected a string key, got ''' at character 1");
    }

    @Test
    void headerNotAnObject() throws IOException {
        assertFails(file("[1, 2]", 0), "the header is not a JSON object");
    }

    @Test
    void entryMissingAField() throws IOException {
        assertFails(file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor \"w\" has no dtype");
        assertFails(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor \"w\" has no shape");
        assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor \"w\" has no data_offsets");
        assertFails(file("{\"w\":[1]}", 4), "tensor \"w\" is described by [1], not an object with dtype, shape and data_offsets");
    }

    @Test
    void unknownDtype() throws IOException {
        assertFails(file("{" + tensor("w", "BF16", "[2]", 0, 4) + "}", 4),
                "tensor \"w\" has dtype \"BF16\", which is not one this engine reads (F32, I32, I64)");
        assertFails(file("{\"w\":{\"dtype\":3,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor \"w\" has dtype 3, not a string");
    }

    @Test
    void badShapeOrOffsets() throws IOException {
        assertFails(file("{" + tensor("w", "F32", "[-1]", 0, 4) + "}", 4),
                "tensor \"w\" has shape [-1], not a list of dimensions from 0 to 2147483647");
        assertFails(file("{" + tensor("w", "F32", "[1.5]", 0, 4) + "}", 4),
                "tensor \"w\" has shape [1.5], not a list of dimensions from 0 to 2147483647");
        assertFails(file("{" + tensor("w", "F32", "[1]", 4, 0) + "}", 4),
                "tensor \"w\" has data_offsets [4,0], not two byte offsets [begin, end] with 0 <= begin <= end");
        assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
                "tensor \"w\" has data_offsets [0], not two byte offsets [begin, end] with 0 <= begin <= end");
        assertFails(file("{" + tensor("w", "F32", "[65536,65536]", 0, 0) + "}", 0),
                "tensor \"w\" has shape [65536, 65536], more elements than one Java array holds");
    }

    @Test
    void offsetsHugerThanALong() throws IOException {
        assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 4),
                "tensor \"w\" has data_offsets [0,99999999999999999999], not two byte offsets [begin, end] with 0 <= begin <= end");
    }

    @Test
    void offsetsOutOfTheBuffer() throws IOException {
        assertFails(file("{" + tensor("w", "F32", "[2]", 0, 8) + "}", 4),
                "tensor \"w\" has data_offsets [0, 8] beyond the end of the 4-byte data buffer");
    }

    @Test
    void offsetsNotMatchingTheShape() throws IOException {
        assertFails(file("{" + tensor("w", "F32", "[2,3]", 0, 12) + "}", 12),
                "tensor \"w\" has data_offsets [0, 12] (12 bytes) but shape [2, 3] of F32 needs 24 bytes");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertFails(file("{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "I32", "[1]", 4, 8) + "}", 8),
                "tensors \"a\" and \"b\" overlap in the data buffer (bytes [0, 8) and [4, 8))");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        assertFails(file("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "I32", "[1]", 8, 12) + "}", 12),
                "bytes [4, 8) of the data buffer, before tensor \"b\", belong to no tensor");
    }

    @Test
    void trailingGarbage() throws IOException {
        assertFails(file("{" + tensor("a", "F32", "[1]", 0, 4) + "}", 7), "the file has 3 bytes of trailing data after the last tensor");
        assertFails(file("{}", 2), "the file has 2 bytes of trailing data after the header");
    }

    @Test
    void duplicateNames() throws IOException {
        assertFails(file("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}", 8),
                "the header names tensor \"a\" twice");
    }

    @Test
    void metadataMustBeStrings() throws IOException {
        assertFails(file("{\"__metadata__\":{\"step\":3}}", 0), "the header's __metadata__ entry \"step\" is 3, not a string");
        assertFails(file("{\"__metadata__\":[]}", 0), "the header's __metadata__ is not an object of strings");
    }

    @Test
    void aValidHandWrittenFileReads() throws IOException {
        // Offsets out of header order and padding spaces after the JSON, both allowed by the spec.
        Path f = file("{" + tensor("b", "I32", "[1]", 4, 8) + "," + tensor("a", "F32", "[]", 0, 4) + "}   ", 8);
        SafetensorsFile read = Safetensors.read(f);
        assertEquals(java.util.List.of("b", "a"), java.util.List.copyOf(read.tensors().keySet()));
    }
}
