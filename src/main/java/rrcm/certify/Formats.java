package rrcm.certify;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** How numbers are written in result files and reports. */
public final class Formats {
    private Formats() {}

    /**
     * A radius to 3 significant digits as Cohen's files write them (Python's "{:.3}": 0.0, 0.25, 1.23,
     * 1.23e-05), rounded toward zero so that the written radius is never larger than the certified one.
     */
    static String radius(double r) {
        if (!(r >= 0) || Double.isInfinite(r)) throw new IllegalArgumentException("radius " + r);
        if (r == 0) return "0.0";
        // from the shortest decimal that reads back as r, so that 1.2 stays 1.2 rather than 1.19
        BigDecimal d = BigDecimal.valueOf(r).round(new MathContext(3, RoundingMode.DOWN));
        int exponent = d.precision() - d.scale() - 1; // position of the leading digit
        if (exponent < -4 || exponent >= 3) {
            BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
            return mantissa.toPlainString() + (exponent < 0 ? "e-" : "e+") + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
        }
        String s = d.stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    /** A probability bound to 10 decimals, rounded down (a lower bound stays a lower bound). */
    static String lowerBound(double p) {
        return BigDecimal.valueOf(p).setScale(10, RoundingMode.DOWN).toPlainString();
    }

    /** Seconds with 4 decimals. */
    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.4f", s);
    }

    /** A value like sigma as its shortest decimal: 0.25, 0.5, 1. */
    public static String shortest(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A fraction as a percentage with one decimal: 0.836 → "83.6". */
    static String percent(long count, long total) {
        return total == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100.0 * count / total);
    }

    /** A p-value with 4 significant digits. */
    static String pValue(double p) {
        return String.format(Locale.ROOT, "%.4g", p);
    }
}
