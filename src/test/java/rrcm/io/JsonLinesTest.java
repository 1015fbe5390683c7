package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl: one object per line, visible as soon as it is written, appendable across runs. */
class JsonLinesTest {
    @TempDir
    Path dir;

    private static Map<String, Object> record(int step, double loss) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("loss", loss);
        return m;
    }

    @Test
    void eachLineIsOnDiskWhenWriteReturns() throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        try (JsonLines lines = JsonLines.append(f)) {
            lines.write(record(1, 2.5));
            assertEquals("{\"step\":1,\"loss\":2.5}\n", Files.readString(f));
            lines.write(record(2, Double.NaN));
        }
        assertEquals("{\"step\":1,\"loss\":2.5}\n{\"step\":2,\"loss\":\"NaN\"}\n", Files.readString(f));
    }

    @Test
    void reopeningAppendsAndReadsBack() {
        Path f = dir.resolve("metrics.jsonl");
        try (JsonLines lines = JsonLines.append(f)) {
            lines.write(record(1, 0.5));
        }
        try (JsonLines lines = JsonLines.append(f)) {
            lines.write(record(2, 0.25));
        }
        List<Map<String, Object>> back = JsonLines.read(f);
        assertEquals(List.of(Map.of("step", 1L, "loss", 0.5), Map.of("step", 2L, "loss", 0.25)), back);
    }

    @Test
    void aTornLastLineStaysAlone() throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        Files.writeString(f, "{\"step\":1}\n{\"step\":2,\"lo");
        try (JsonLines lines = JsonLines.append(f)) {
            lines.write(Map.of("step", 3));
        }
        assertEquals("{\"step\":1}\n{\"step\":2,\"lo\n{\"step\":3}\n", Files.readString(f));
        JsonException e = assertThrows(JsonException.class, () -> JsonLines.read(f));
        assertEquals(f + " line 2: not valid JSON: unterminated string at character 13", e.getMessage());
    }

    @Test
    void anUnwritableFileIsNamed() {
        Path f = dir.resolve("missing/metrics.jsonl");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> JsonLines.append(f));
        assertEquals(f + ": could not open for appending: no such file or directory", e.getMessage());
    }
}
