package rrcm.io;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types a safetensors file may hold here, named as the format names them. Only what the
 * engine stores: F32 for weights and optimizer moments, I32 for labels and indices, I64 for counters
 * and RNG state. Half types are not read: loading them would need a widening this layer does not own.
 */
public enum ElementType {
    F32(4),
    I32(4),
    I64(8);

    private final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The type with this safetensors name ("F32"), if it is one of ours. */
    public static Optional<ElementType> fromName(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }
}
