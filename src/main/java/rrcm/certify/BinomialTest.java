package rrcm.certify;

import org.apache.commons.math3.special.Beta;

/** The two-sided binomial test of p = 1/2 (the sign test) that PREDICT applies to its top two counts. */
public final class BinomialTest {
    private BinomialTest() {}

    /**
     * The p-value of a successes against b failures under p = 1/2. The distribution is symmetric, so the
     * outcomes at most as likely as the one seen are the two tails beyond min(a, b) and max(a, b):
     * p = min(1, 2 P(X ≤ min(a, b))), X ~ Binomial(a + b, 1/2). The tail is the regularized incomplete
     * beta I_{1/2}(n − k, k + 1) itself, not 1 minus a CDF, so tiny p-values keep their digits.
     */
    public static double twoSidedHalf(long a, long b) {
        if (a < 0 || b < 0 || a + b == 0) throw new IllegalArgumentException("binomial test of " + a + " against " + b);
        long n = a + b, k = Math.min(a, b);
        if (2 * k == n) return 1;
        return Math.min(1, 2 * Beta.regularizedBeta(0.5, n - k, k + 1));
    }
}
