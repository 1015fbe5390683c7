package rrcm.certify;

/** A result file (TSV, params.json) that cannot be used; the message names the file and the problem. */
public final class ResultFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResultFileException(String message) {
        super(message);
    }

    public ResultFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
