package rrcm.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Elementwise closeness with a written-down reason: |actual - expected| <= atol + rtol * |expected|.
 * A failure names the first worst element, both values and the reason the tolerance was chosen.
 */
public record Close(double rtol, double atol, String why) {
    public void check(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (e == a) continue;
            double excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
            if (Double.isNaN(excess) || excess > worstExcess || (excess > 0 && worst < 0)) {
                worst = i;
                worstExcess = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d is %.9g, expected %.9g (rtol %.1e, atol %.1e: %s)", what, worst,
                    actual[worst], expected[worst], rtol, atol, why));
        }
    }
}
