package rrcm.io;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated header of a safetensors file: its tensors in header order, its string metadata, and
 * where the data buffer lies in the file. Enough to list a checkpoint or to check that it fits a
 * model before reading any weights.
 */
public record SafetensorsHeader(Path file, List<TensorEntry> tensors, Map<String, String> metadata,
                                long dataStart, long dataLength) {
    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public Optional<TensorEntry> find(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
