package rrcm.io;

/**
 * Bounds for a real config value, each inclusive or exclusive (a learning rate must be greater than
 * 0, a beta lies in [0, 1)); describes itself for error messages. Values must be finite whatever the
 * bounds: no config value means NaN or infinity.
 */
public record RealRange(double low, boolean lowInclusive, double high, boolean highInclusive) {
    public static final RealRange ANY = new RealRange(Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, true);

    public static RealRange greaterThan(double low) {
        return new RealRange(low, false, Double.POSITIVE_INFINITY, true);
    }

    public static RealRange atLeast(double low) {
        return new RealRange(low, true, Double.POSITIVE_INFINITY, true);
    }

    /** Both ends included. */
    public static RealRange between(double low, double high) {
        return new RealRange(low, true, high, true);
    }

    /** Low end included, high end excluded. */
    public static RealRange closedOpen(double low, double high) {
        return new RealRange(low, true, high, false);
    }

    public boolean contains(double v) {
        if (!Double.isFinite(v)) return false;
        boolean aboveLow = lowInclusive ? v >= low : v > low;
        boolean belowHigh = highInclusive ? v <= high : v < high;
        return aboveLow && belowHigh;
    }

    /** "a number greater than 0", "a number in [0, 1)", or "a number". */
    public String describe() {
        return "a number" + bound();
    }

    /** The bound as a phrase to follow a noun, with a leading space; empty when unbounded. */
    String bound() {
        boolean noLow = low == Double.NEGATIVE_INFINITY;
        boolean noHigh = high == Double.POSITIVE_INFINITY;
        if (noLow && noHigh) return "";
        if (noHigh) return (lowInclusive ? " at least " : " greater than ") + YamlValues.number(low);
        if (noLow) return (highInclusive ? " at most " : " less than ") + YamlValues.number(high);
        if (lowInclusive && highInclusive) return " between " + YamlValues.number(low) + " and " + YamlValues.number(high);
        return " in " + (lowInclusive ? "[" : "(") + YamlValues.number(low) + ", " + YamlValues.number(high)
                + (highInclusive ? "]" : ")");
    }
}
