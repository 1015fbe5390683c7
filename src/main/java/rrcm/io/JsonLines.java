package rrcm.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Appends one JSON object per line to a file (a run's metrics.jsonl). Each line is flushed to the
 * operating system as soon as it is written, so `tail -f` and a crash of the JVM both see every
 * finished line. Numbers and strings are written as {@link Json} writes them (NaN and infinities
 * become the strings "NaN", "Infinity", "-Infinity"). Not thread-safe: one training loop writes.
 */
public final class JsonLines implements AutoCloseable {
    private final Path file;
    private final Writer out;

    private JsonLines(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens the file for appending, creating it if absent. If an earlier run died in the middle of a
     * line, a newline is written first so that the torn line stays alone and the new lines parse.
     */
    public static JsonLines append(Path file) {
        try {
            boolean torn = endsWithoutNewline(file);
            // APPEND: every write lands at the end even if something else appended in between.
            Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (torn) {
                try {
                    w.write('\n');
                    w.flush();
                } catch (IOException e) {
                    w.close();
                    throw e;
                }
            }
            return new JsonLines(file, w);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not open for appending: " + IoErrors.describe(e, file), e);
        }
    }

    private static boolean endsWithoutNewline(Path file) throws IOException {
        if (!Files.exists(file)) return false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) return false;
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    /** Writes the record as one line and flushes it. */
    public void write(Map<String, ?> record) {
        String line = Json.write(record) + "\n";
        try {
            out.write(line);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not append a line: " + IoErrors.describe(e, file), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not close: " + IoErrors.describe(e, file), e);
        }
    }

    /**
     * Reads every line back as an object. Blank lines are skipped; a line that is not a JSON object
     * is an error naming the file and line number.
     */
    public static List<Map<String, Object>> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read: " + IoErrors.describe(e, file), e);
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            Object value;
            try {
                value = JsonParser.parse(line);
            } catch (JsonException e) {
                throw new JsonException(file + " line " + (i + 1) + ": not valid JSON: " + e.getMessage(), e.position());
            }
            if (!(value instanceof Map<?, ?> map)) {
                throw new JsonException(file + " line " + (i + 1) + ": not a JSON object", 0);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> record = (Map<String, Object>) map;
            records.add(record);
        }
        return records;
    }
}
