package rrcm.data;

/**
 * Bad input data: a missing, truncated or malformed file. The message is one sentence that names the
 * file and the problem, and is what the user sees, so it must stand on its own.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
