package rrcm.io;

/**
 * One value of a config section with where it came from, so that errors can say "from the command
 * line" and the resolved config can hold the defaults a run used. The value is null, Boolean, String,
 * Long, BigInteger, Double, an unmodifiable List of such scalars or lists, or a {@link ConfigNode}.
 */
record ConfigEntry(Object value, Source source) {
    enum Source {
        FILE,
        COMMAND_LINE,
        DEFAULT
    }
}
