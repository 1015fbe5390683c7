package rrcm.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** PREDICT's two-sided binomial test of the top two counts. */
class PredictTest {
    @Test
    void knownValues() {
        assertEquals(2 * Math.pow(0.5, 10), BinomialTest.twoSidedHalf(10, 0), 1e-18);
        assertEquals(2 * Math.pow(0.5, 10), BinomialTest.twoSidedHalf(0, 10), 1e-18);
        assertEquals(0.34375, BinomialTest.twoSidedHalf(7, 3), 1e-15); // scipy.stats.binomtest(7, 10).pvalue
        assertEquals(1.0, BinomialTest.twoSidedHalf(5, 5));
        assertEquals(1.0, BinomialTest.twoSidedHalf(6, 5));
        assertEquals(1.0, BinomialTest.twoSidedHalf(1, 0));
    }

    /**
     * Against the tails summed from scratch. (Not against commons-math's BinomialTest: its two-sided
     * p-values near a tie are off, e.g. 0.625 for 2 against 1 where the exact value is 1, and 1.5 for 1
     * against 1.)
     */
    @Test
    void agreesWithIndependentComputations() {
        BinomialTails tails = new BinomialTails(2_000);
        for (int n = 1; n <= 2_000; n += n < 40 ? 1 : 97) {
            for (int a = 0; a <= n; a += Math.max(1, n / 25)) {
                int b = n - a, k = Math.min(a, b);
                double expected = Math.min(1, 2 * tails.lowerTail(n, k, 0.5));
                if (2 * k == n) expected = 1;
                double p = BinomialTest.twoSidedHalf(a, b);
                assertEquals(expected, p, 1e-12 + 1e-9 * expected, a + " vs " + b);
            }
        }
    }

    @Test
    void tinyPValuesKeepTheirDigits() {
        // a tail computed as 1 - CDF would be 0 here
        double expected = 2 * Math.pow(0.5, 1000); // 1.9e-301
        assertEquals(expected, BinomialTest.twoSidedHalf(1000, 0), 1e-12 * expected);
        expected = 2 * new BinomialTails(100_000).lowerTail(100_000, 49_000, 0.5); // about 1e-10
        assertEquals(expected, BinomialTest.twoSidedHalf(51_000, 49_000), 1e-8 * expected);
    }

    @Test
    void predictTakesTheTopClassOrAbstains() {
        Prediction clear = Prediction.decide(new long[] {3, 90, 7}, 0.001);
        assertEquals(1, clear.predict());
        assertEquals(90, clear.c1());
        assertEquals(7, clear.c2());
        assertEquals(BinomialTest.twoSidedHalf(90, 7), clear.pValue());

        Prediction close = Prediction.decide(new long[] {0, 55, 45}, 0.001);
        assertEquals(Certificate.ABSTAIN, close.predict());
        Prediction tie = Prediction.decide(new long[] {50, 50, 0}, 0.5);
        assertEquals(Certificate.ABSTAIN, tie.predict());
        assertEquals(1.0, tie.pValue());

        // the test is on c1 against c2 only: a large third class does not matter
        assertEquals(2, Prediction.decide(new long[] {30, 0, 70}, 0.001).predict());
        assertEquals(0, Prediction.decide(new long[] {12}, 0.001).predict());
    }

    @Test
    void badCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BinomialTest.twoSidedHalf(0, 0));
        assertThrows(IllegalArgumentException.class, () -> BinomialTest.twoSidedHalf(-1, 3));
    }
}
