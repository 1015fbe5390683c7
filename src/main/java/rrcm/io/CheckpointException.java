package rrcm.io;

/**
 * A checkpoint file that cannot be read or written. The message is one sentence that starts with
 * the file's name and says what is wrong, ready to show the user as it is.
 */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
