package rrcm.io;

/** Inclusive bounds for an integer config value; describes itself for error messages. */
public record IntRange(long min, long max) {
    public static final IntRange ANY = new IntRange(Long.MIN_VALUE, Long.MAX_VALUE);

    public IntRange {
        if (min > max) throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
    }

    public static IntRange atLeast(long min) {
        return new IntRange(min, Long.MAX_VALUE);
    }

    public static IntRange between(long min, long max) {
        return new IntRange(min, max);
    }

    public boolean contains(long v) {
        return v >= min && v <= max;
    }

    /** "an integer at least 1", "an integer between 1 and 64", or "an integer". */
    public String describe() {
        return "an integer" + bound();
    }

    /** The bound as a phrase to follow a noun, with a leading space; empty when unbounded. */
    String bound() {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) return "";
        if (max == Long.MAX_VALUE) return " at least " + min;
        if (min == Long.MIN_VALUE) return " at most " + max;
        return " between " + min + " and " + max;
    }
}
