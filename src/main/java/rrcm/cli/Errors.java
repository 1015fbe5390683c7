package rrcm.cli;

/** One sentence for the user from an exception: its message, or its type when it has none. */
final class Errors {
    private Errors() {}

    static String describe(Throwable t) {
        Throwable cause = t;
        while (cause.getMessage() == null && cause.getCause() != null) cause = cause.getCause();
        String msg = cause.getMessage();
        return msg == null || msg.isBlank() ? cause.getClass().getSimpleName() : msg;
    }
}
