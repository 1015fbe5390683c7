package rrcm.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Radii as Cohen's files write them (Python's "{:.3}"), but never rounded up. */
class FormatsTest {
    @Test
    void radiiHaveThreeSignificantDigitsLikePython() {
        assertEquals("0.0", Formats.radius(0));
        assertEquals("0.25", Formats.radius(0.25));
        assertEquals("1.0", Formats.radius(1.0));
        assertEquals("1.2", Formats.radius(1.2));
        assertEquals("3.81", Formats.radius(3.8114566));
        assertEquals("0.953", Formats.radius(0.95386));
        assertEquals("12.3", Formats.radius(12.34));
        assertEquals("0.000123", Formats.radius(0.0001234));
        assertEquals("1.23e-05", Formats.radius(0.00001234));
        assertEquals("1.23e+03", Formats.radius(1234.5));
    }

    @Test
    void radiiAreRoundedDownSoThatTheWrittenOneIsStillCertified() {
        assertEquals("0.999", Formats.radius(0.99999)); // Python would write 1.0
        assertEquals("0.249", Formats.radius(0.24999));
        assertEquals("0.9999999999", Formats.lowerBound(0.99999999999));
        assertEquals("0.5847476704", Formats.lowerBound(0.58474767049));
    }

    @Test
    void otherNumbers() {
        assertEquals("0.25", Formats.shortest(0.25));
        assertEquals("1", Formats.shortest(1.0));
        assertEquals("83.6", Formats.percent(418, 500));
        assertEquals("48.0", Formats.percent(240, 500));
        assertEquals("-", Formats.percent(0, 0));
        assertEquals("1.5000", Formats.seconds(1.5));
    }
}
