package rrcm.io;

/**
 * A run configuration that cannot be used: bad YAML, a missing or unknown key, a value of the wrong
 * type or out of range. The message is one sentence that names the file and the full dotted key.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
