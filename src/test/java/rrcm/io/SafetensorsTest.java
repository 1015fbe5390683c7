package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips, the exact byte layout of the format, and atomic replacement. */
class SafetensorsTest {
    @TempDir
    Path dir;

    private static SequencedMap<String, HostArray> sample() {
        SequencedMap<String, HostArray> t = new LinkedHashMap<>();
        t.put("blocks.0.attn.qkv.weight", HostArray.of(new float[] {1, -2.5f, 3e-8f, Float.NaN, Float.NEGATIVE_INFINITY, -0f}, 2, 3));
        t.put("labels", HostArray.of(new int[] {0, 9, -1, Integer.MAX_VALUE}, 4));
        t.put("step", HostArray.of(new long[] {1L << 40}));
        t.put("empty", HostArray.of(new float[0], 0, 5));
        t.put("rng", HostArray.of(new long[] {Long.MIN_VALUE, -1, 0, 7}, 2, 1, 2));
        t.put("z.scalar", HostArray.of(new float[] {0.5f}));
        return t;
    }

    @Test
    void roundTripKeepsOrderTypesShapesAndBits() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        Safetensors.write(f, sample(), Map.of());
        SafetensorsFile back = Safetensors.read(f);
        assertEquals(List.copyOf(sample().keySet()), List.copyOf(back.tensors().keySet()));
        assertEquals(sample(), back.tensors());
        assertEquals(Map.of(), back.metadata());
        assertArrayEquals(new int[] {}, back.tensor("step").shape());
        assertEquals(ElementType.I64, back.tensor("step").dtype());
        assertEquals(0, (Files.size(f) - back.tensors().values().stream().mapToLong(HostArray::byteSize).sum()) % 8,
                "header padded to a multiple of 8");
    }

    @Test
    void metadataRoundTripsAndIsWrittenSorted() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", "12");
        meta.put("format", "pt");
        meta.put("note", "quote \" backslash \\ newline \n é");
        Safetensors.write(f, sample(), meta);
        assertEquals(meta, Safetensors.read(f).metadata());
        String header = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        assertTrue(header.indexOf("\"format\"") < header.indexOf("\"note\"") && header.indexOf("\"note\"") < header.indexOf("\"step\""));
    }

    @Test
    void headerOnlyReadListsTensorsWithoutData() {
        Path f = dir.resolve("h.safetensors");
        Safetensors.write(f, sample(), Safetensors.PYTORCH_METADATA);
        SafetensorsHeader h = Safetensors.readHeader(f);
        assertEquals(6, h.tensors().size());
        TensorEntry labels = h.find("labels").orElseThrow();
        assertEquals(new TensorEntry("labels", ElementType.I32, new int[] {4}, 24, 40), labels);
        assertEquals(0, h.dataStart() % 8);
        assertEquals(Safetensors.PYTORCH_METADATA, h.metadata());
    }

    /** The file built byte by byte from the spec, as the reference implementation lays it out. */
    @Test
    void bytesMatchTheSpecExactly() throws IOException {
        SequencedMap<String, HostArray> t = new LinkedHashMap<>();
        t.put("w", HostArray.of(new float[] {1.0f, -2.5f}, 2));
        t.put("n", HostArray.of(new long[] {7}));
        t.put("i", HostArray.of(new int[] {-2}, 1, 1));
        Path f = dir.resolve("golden.safetensors");
        Safetensors.write(f, t, Safetensors.PYTORCH_METADATA);

        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[16,20]}}";
        assertEquals(195, json.length());
        String padded = json + "     "; // 195 -> 200, a multiple of 8
        ByteBuffer expected = ByteBuffer.allocate(8 + 200 + 20);
        expected.put(new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0});
        expected.put(padded.getBytes(StandardCharsets.US_ASCII));
        expected.put(new byte[] {0x00, 0x00, (byte) 0x80, 0x3f}); // 1.0f little-endian
        expected.put(new byte[] {0x00, 0x00, 0x20, (byte) 0xc0}); // -2.5f
        expected.put(new byte[] {0x07, 0, 0, 0, 0, 0, 0, 0}); // 7L
        expected.put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff}); // -2
        assertArrayEquals(expected.array(), Files.readAllBytes(f));
    }

    @Test
    void namesAreEscapedInTheHeader() {
        SequencedMap<String, HostArray> t = new LinkedHashMap<>();
        t.put("a\"b\\c\nd\u0001é✓", HostArray.of(new float[] {2}, 1));
        Path f = dir.resolve("names.safetensors");
        Safetensors.write(f, t, Map.of());
        assertEquals(t, Safetensors.read(f).tensors());
    }

    @Test
    void largeTensorsCrossWriteChunks() {
        int n = ArrayBytes.CHUNK_BYTES / 4 * 3 + 17;
        float[] a = new float[n];
        long[] b = new long[n / 3];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = r.nextLong();
        SequencedMap<String, HostArray> t = new LinkedHashMap<>();
        t.put("odd", HostArray.of(new int[] {1, 2, 3}, 3)); // leaves the next tensors unaligned to 8
        t.put("a", HostArray.of(a, n));
        t.put("b", HostArray.of(b, b.length));
        Path f = dir.resolve("big.safetensors");
        Safetensors.write(f, t, Map.of());
        assertEquals(t, Safetensors.read(f).tensors());
    }

    @Test
    void lookupsCheckTypeAndShape() {
        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, sample(), Map.of());
        SafetensorsFile ckpt = Safetensors.read(f);
        assertEquals(6, ckpt.f32("blocks.0.attn.qkv.weight", 2, 3).size());
        assertEquals(f + ": tensor \"blocks.0.attn.qkv.weight\" is F32[2, 3] but F32[3, 2] is expected (is it a checkpoint of another model?)",
                assertThrows(CheckpointException.class, () -> ckpt.f32("blocks.0.attn.qkv.weight", 3, 2)).getMessage());
        assertEquals(f + ": tensor \"labels\" is I32[4] but I64[4] is expected (is it a checkpoint of another model?)",
                assertThrows(CheckpointException.class, () -> ckpt.i64("labels", 4)).getMessage());
        assertEquals(f + ": there is no tensor \"head.weight\" in it",
                assertThrows(CheckpointException.class, () -> ckpt.tensor("head.weight")).getMessage());
    }

    @Test
    void arraysRejectAShapeThatDoesNotFitTheData() {
        assertThrows(IllegalArgumentException.class, () -> HostArray.of(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> HostArray.of(new float[0], -1, 0));
        assertThrows(IllegalArgumentException.class, () -> HostArray.of(new int[2]));
    }

    @Test
    void metadataCannotNameATensor() {
        SequencedMap<String, HostArray> t = new LinkedHashMap<>();
        t.put("__metadata__", HostArray.of(new float[] {1}, 1));
        Path f = dir.resolve("bad.safetensors");
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f, t, Map.of()));
        assertTrue(Files.notExists(f));
    }

    // ---- atomic replacement

    @Test
    void replacingKeepsTheOldFileUntilTheNewOneIsComplete() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        Safetensors.write(f, sample(), Map.of());
        SequencedMap<String, HostArray> smaller = new LinkedHashMap<>();
        smaller.put("x", HostArray.of(new float[] {4}, 1));
        Safetensors.write(f, smaller, Map.of());
        assertEquals(smaller, Safetensors.read(f).tensors());
        assertEquals(List.of(f), listDir());
    }

    @Test
    void aFailedRenameLeavesWhatWasThereAndNoTemporaryFile() throws IOException {
        // A non-empty directory in the target's place: everything is written, the final rename fails.
        Path target = dir.resolve("ckpt.safetensors");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "old");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.write(target, sample(), Map.of()));
        assertTrue(e.getMessage().startsWith(target + ": could not write the checkpoint: "), e.getMessage());
        assertEquals("old", Files.readString(target.resolve("keep")));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void writingIntoAMissingDirectoryNamesTheFile() {
        Path f = dir.resolve("no/such/dir/ckpt.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.write(f, sample(), Map.of()));
        assertTrue(e.getMessage().startsWith(f + ": could not write the checkpoint: no such file or directory"), e.getMessage());
    }

    @Test
    void readingAMissingFileNamesIt() {
        Path f = dir.resolve("absent.safetensors");
        assertEquals(f + ": could not read the checkpoint: no such file or directory",
                assertThrows(CheckpointException.class, () -> Safetensors.read(f)).getMessage());
    }

    private List<Path> listDir() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    static byte[] littleEndianLong(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
