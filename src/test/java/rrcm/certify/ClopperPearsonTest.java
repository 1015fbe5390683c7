package rrcm.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one-sided Clopper–Pearson bound and the radius: docs/method.md's vectors and an independent computation. */
class ClopperPearsonTest {
    static final double ALPHA = 0.001;

    /** docs/method.md 3, alpha = 0.001: pA to the 8 decimals given, Phi^-1(pA) to the 5 given. */
    @Test
    void theVectorsOfTheMethod() {
        long[][] cases = {{10_000, 10_000}, {10_000, 9_900}, {10_000, 6_000}, {100_000, 100_000}, {100_000, 60_000}};
        double[] pA = {0.99930946, 0.98653116, 0.58474767, 0.99993092, 0.59520105};
        double[] quantile = {3.19858, 2.21242, 0.21405, 3.81146, 0.24094};
        for (int i = 0; i < cases.length; i++) {
            long n = cases[i][0], nA = cases[i][1];
            double lower = ClopperPearson.lower(nA, n, ALPHA);
            assertEquals(pA[i], lower, 5e-9, n + "/" + nA);
            Certificate c = Certificate.decide(3, nA, n, ALPHA, 1.0);
            assertEquals(3, c.predict());
            assertEquals(quantile[i], c.radius(), 5e-6, n + "/" + nA);
            assertEquals(0.5 * quantile[i], Certificate.decide(3, nA, n, ALPHA, 0.5).radius(), 3e-6);
        }
    }

    @Test
    void fiveThousandOneHundredOfTenThousandAbstains() {
        double lower = ClopperPearson.lower(5_100, 10_000, ALPHA);
        assertEquals(0.4945, lower, 5e-5);
        Certificate c = Certificate.decide(7, 5_100, 10_000, ALPHA, 0.25);
        assertTrue(c.abstained());
        assertEquals(Certificate.ABSTAIN, c.predict());
        assertEquals(0.0, c.radius());
        assertEquals(lower, c.pA());
    }

    @Test
    void noSuccessesGiveZeroAndAllSuccessesGiveTheClosedForm() {
        for (long n : new long[] {1, 2, 10, 100, 10_000, 100_000, 1_000_000}) {
            assertEquals(0.0, ClopperPearson.lower(0, n, ALPHA));
            // Beta(n, 1) has CDF x^n: its alpha quantile is alpha^(1/n)
            assertEquals(Math.pow(ALPHA, 1.0 / n), ClopperPearson.lower(n, n, ALPHA), 1e-13, "n = " + n);
            assertEquals(1.0, ClopperPearson.upper(n, n, ALPHA));
            assertTrue(Certificate.decide(0, 0, n, ALPHA, 1).abstained());
        }
    }

    /** Abstention at the boundary: the smallest nA whose bound reaches 1/2 certifies (radius ~ 0), one fewer abstains. */
    @Test
    void theAbstentionBoundary() {
        long n = 10_000;
        long first = 0;
        while (ClopperPearson.lower(first, n, ALPHA) < 0.5) first++;
        // the bound crosses 1/2 where nA/n exceeds 1/2 by about z_(1-alpha) * sqrt(n/4) = 3.09 * 50
        assertTrue(first > 5_150 && first < 5_160, "first certifying count " + first);
        Certificate below = Certificate.decide(2, first - 1, n, ALPHA, 0.5);
        Certificate at = Certificate.decide(2, first, n, ALPHA, 0.5);
        assertTrue(below.abstained());
        assertFalse(at.abstained());
        assertEquals(2, at.predict());
        assertTrue(at.radius() >= 0 && at.radius() < 0.01, "radius " + at.radius());
        // exactly 1/2 certifies with radius 0 (Cohen: abstain only below 1/2)
        Certificate half = Certificate.fromBound(2, first, n, 0.5, 0.5);
        assertEquals(2, half.predict());
        assertEquals(0.0, half.radius());
    }

    @Test
    void theLargestRadius() {
        assertEquals(3.81, Certificate.maxRadius(100_000, ALPHA, 1.0), 0.005);
        assertEquals(3.20, Certificate.maxRadius(10_000, ALPHA, 1.0), 0.005);
        assertEquals(0.25 * 3.81146, Certificate.maxRadius(100_000, ALPHA, 0.25), 1e-5);
        assertEquals(Certificate.decide(0, 100_000, 100_000, ALPHA, 1.0).radius(), Certificate.maxRadius(100_000, ALPHA, 1.0), 1e-9);
    }

    /** Against the definition, solved by bisection on binomial tails summed from scratch. */
    @Test
    void agreesWithTheDefinitionComputedIndependently() {
        BinomialTails tails = new BinomialTails(100_000);
        SplittableRandom r = new SplittableRandom(5);
        int[] sizes = {1, 2, 7, 50, 100, 1_000, 10_000, 100_000};
        for (int n : sizes) {
            int checks = n <= 1_000 ? 12 : 4;
            for (int i = 0; i < checks; i++) {
                int k = i == 0 ? n : i == 1 ? 1 : 1 + r.nextInt(n);
                double alpha = i % 3 == 0 ? ALPHA : i % 3 == 1 ? 0.05 : 1e-6;
                double expected = tails.clopperPearsonLower(n, k, alpha);
                assertEquals(expected, ClopperPearson.lower(k, n, alpha), 1e-10, "k = " + k + ", n = " + n + ", alpha = " + alpha);
            }
        }
    }

    @Test
    void theUpperBoundMirrorsTheLowerOne() {
        assertEquals(1 - ClopperPearson.lower(700, 1000, 0.01), ClopperPearson.upper(300, 1000, 0.01), 1e-15);
        assertTrue(ClopperPearson.upper(300, 1000, 0.01) > 0.3 && ClopperPearson.lower(300, 1000, 0.01) < 0.3);
        assertEquals(1 - Math.pow(0.01, 1.0 / 1000), ClopperPearson.upper(0, 1000, 0.01), 1e-13);
    }

    @Test
    void theBoundRisesWithTheCountAndWithAlpha() {
        double previous = -1;
        for (long k = 0; k <= 200; k++) {
            double b = ClopperPearson.lower(k, 200, ALPHA);
            assertTrue(b > previous, "k = " + k);
            previous = b;
        }
        assertTrue(ClopperPearson.lower(900, 1000, 0.05) > ClopperPearson.lower(900, 1000, 0.001));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(5, 4, ALPHA));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(-1, 4, ALPHA));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(0, 0, ALPHA));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(1, 4, 1));
    }
}
