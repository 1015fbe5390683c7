package rrcm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and checks the header of a safetensors file. Every way a file can be broken is reported as
 * one sentence naming the file; the checks are those of the reference implementation: the tensors
 * must tile the data buffer exactly, without gaps, overlaps or bytes left over.
 */
final class HeaderParser {
    static final String METADATA_KEY = "__metadata__";
    // The reference implementation refuses larger headers; so do we, before allocating one.
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private final Path file;

    private HeaderParser(Path file) {
        this.file = file;
    }

    static SafetensorsHeader read(Path file, FileChannel ch) throws IOException {
        return new HeaderParser(file).read(ch);
    }

    private SafetensorsHeader read(FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw fail("the file is " + fileSize + " bytes long, too short for the 8-byte header length that starts a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 0 || headerLength > fileSize - 8) {
            throw fail("the header length " + Long.toUnsignedString(headerLength) + " runs past the end of the file, which has only "
                    + (fileSize - 8) + " bytes after it");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw fail("the header is " + headerLength + " bytes long, more than the " + MAX_HEADER_BYTES + " a safetensors header may have");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(ch, headerBytes, 8);
        long dataStart = 8 + headerLength;
        return parse(decode(headerBytes.flip()), dataStart, fileSize - dataStart);
    }

    private String decode(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw fail("the header is not valid UTF-8 text");
        }
    }

    private SafetensorsHeader parse(String json, long dataStart, long dataLength) {
        Object root;
        try {
            root = JsonParser.parse(json);
        } catch (JsonException e) {
            if (e.duplicateKey().isPresent() && e.depth() == 1) {
                throw fail("the header names tensor " + Json.quote(e.duplicateKey().get()) + " twice");
            }
            throw fail("the header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) throw fail("the header is not a JSON object");

        Map<String, String> metadata = Map.of();
        List<TensorEntry> tensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) metadata = metadata(e.getValue());
            else tensors.add(entry(name, e.getValue(), dataLength));
        }
        checkTiling(tensors, dataLength);
        return new SafetensorsHeader(file, tensors, metadata, dataStart, dataLength);
    }

    private Map<String, String> metadata(Object value) {
        if (!(value instanceof Map<?, ?> map)) throw fail("the header's " + METADATA_KEY + " is not an object of strings");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw fail("the header's " + METADATA_KEY + " entry " + Json.quote((String) e.getKey()) + " is "
                        + Json.write(e.getValue()) + ", not a string");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private TensorEntry entry(String name, Object value, long dataLength) {
        String q = "tensor " + Json.quote(name);
        if (!(value instanceof Map<?, ?> fields)) {
            throw fail(q + " is described by " + Json.write(value) + ", not an object with dtype, shape and data_offsets");
        }
        for (String field : List.of("dtype", "shape", "data_offsets")) {
            if (!fields.containsKey(field)) throw fail(q + " has no " + field);
        }
        if (!(fields.get("dtype") instanceof String dtypeName)) {
            throw fail(q + " has dtype " + Json.write(fields.get("dtype")) + ", not a string");
        }
        ElementType dtype = ElementType.fromName(dtypeName).orElseThrow(() -> fail(q + " has dtype " + Json.quote(dtypeName)
                + ", which is not one this engine reads (" + supportedTypes() + ")"));
        int[] shape = shape(q, fields.get("shape"));
        long[] offsets = offsets(q, fields.get("data_offsets"));
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (end > dataLength) {
            throw fail(q + " has " + range + " beyond the end of the " + dataLength + "-byte data buffer");
        }
        long count = Shapes.elementCount(shape);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw fail(q + " has shape " + Shapes.format(shape) + ", more elements than one Java array holds");
        }
        long needed = count * dtype.bytes();
        if (end - begin != needed) {
            throw fail(q + " has " + range + " (" + (end - begin) + " bytes) but shape " + Shapes.format(shape) + " of "
                    + dtype + " needs " + needed + " bytes");
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    private int[] shape(String q, Object value) {
        if (value instanceof List<?> dims && dims.stream().allMatch(d -> d instanceof Long n && n >= 0 && n <= Integer.MAX_VALUE)) {
            return dims.stream().mapToInt(d -> Math.toIntExact((Long) d)).toArray();
        }
        throw fail(q + " has shape " + Json.write(value) + ", not a list of dimensions from 0 to " + Integer.MAX_VALUE);
    }

    private long[] offsets(String q, Object value) {
        if (value instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Long b && l.get(1) instanceof Long e
                && b >= 0 && b <= e) {
            return new long[] {b, e};
        }
        throw fail(q + " has data_offsets " + Json.write(value) + ", not two byte offsets [begin, end] with 0 <= begin <= end");
    }

    // Sorted by position, each tensor must start where the one before it ended, the first at 0, and
    // the last must end at the end of the file.
    private void checkTiling(List<TensorEntry> tensors, long dataLength) {
        List<TensorEntry> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long expected = 0;
        TensorEntry previous = null;
        for (TensorEntry t : byOffset) {
            if (t.begin() < expected) {
                throw fail("tensors " + Json.quote(previous.name()) + " and " + Json.quote(t.name()) + " overlap in the data buffer (bytes ["
                        + previous.begin() + ", " + previous.end() + ") and [" + t.begin() + ", " + t.end() + "))");
            }
            if (t.begin() > expected) {
                throw fail("bytes [" + expected + ", " + t.begin() + ") of the data buffer, before tensor " + Json.quote(t.name())
                        + ", belong to no tensor");
            }
            expected = t.end();
            previous = t;
        }
        if (expected < dataLength) {
            throw fail("the file has " + (dataLength - expected) + " bytes of trailing data after "
                    + (previous == null ? "the header" : "the last tensor"));
        }
    }

    private static String supportedTypes() {
        return Arrays.stream(ElementType.values()).map(Enum::name).collect(Collectors.joining(", "));
    }

    private void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw fail("the file ended while its header was being read");
            pos += n;
        }
    }

    private CheckpointException fail(String problem) {
        return new CheckpointException(file + ": " + problem);
    }
}
