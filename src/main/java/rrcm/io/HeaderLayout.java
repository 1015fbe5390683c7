package rrcm.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;

/**
 * The header a safetensors writer puts in front of the data, laid out as the reference
 * implementation lays it out: compact JSON, "__metadata__" first, each tensor as
 * {"dtype","shape","data_offsets"} in that order, tensors packed back to back in the order given,
 * and the JSON padded with spaces so that the data starts at a multiple of 8 bytes.
 */
final class HeaderLayout {
    private HeaderLayout() {}

    /** The padded header bytes, without the 8-byte length in front of them. */
    static byte[] build(SequencedMap<String, ? extends HostArray> tensors, Map<String, String> metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        // Sorted so that the same checkpoint is the same bytes whatever map the caller passed.
        if (!metadata.isEmpty()) root.put(HeaderParser.METADATA_KEY, new TreeMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, ? extends HostArray> e : tensors.entrySet()) {
            HostArray a = e.getValue();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", a.dtype().name());
            entry.put("shape", a.shape());
            entry.put("data_offsets", new long[] {offset, offset + a.byteSize()});
            root.put(e.getKey(), entry);
            offset += a.byteSize();
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }
}
