package rrcm.io;

import java.util.Optional;

/**
 * Text that is not the strict JSON of RFC 8259. The message says what was expected and where; callers
 * that know which file the text came from prefix its name.
 */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int position;
    private final String duplicateKey;
    private final int depth;

    JsonException(String message, int position) {
        this(message, position, null, 0);
    }

    JsonException(String message, int position, String duplicateKey, int depth) {
        super(message);
        this.position = position;
        this.duplicateKey = duplicateKey;
        this.depth = depth;
    }

    /** Index of the character at which parsing failed. */
    public int position() {
        return position;
    }

    /**
     * The key, when the failure is a key that appears twice in one object: formats built on JSON
     * (a safetensors header) report that as their own error rather than as bad syntax.
     */
    public Optional<String> duplicateKey() {
        return Optional.ofNullable(duplicateKey);
    }

    /** Nesting depth of the object holding the duplicate key: 1 for the top-level object. */
    public int depth() {
        return depth;
    }
}
