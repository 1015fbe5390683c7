package rrcm.certify;

import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * Exact (Clopper–Pearson) one-sided confidence bounds on a binomial proportion: with k successes in n
 * trials, the lower bound at level 1 − α is the α quantile of Beta(k, n − k + 1), and 0 when k = 0
 * (docs/method.md 3). The upper bound follows by symmetry: upper(k, n) = 1 − lower(n − k, n).
 */
public final class ClopperPearson {
    // The Beta quantile is found by a root finder; the default absolute accuracy (1e-9) would move
    // radii near the largest possible one (pA = 0.9999...) in their fourth digit.
    private static final double QUANTILE_ACCURACY = 1e-15;

    private ClopperPearson() {}

    /** P(p ≥ lower) ≥ 1 − α for every true proportion p. */
    public static double lower(long successes, long trials, double alpha) {
        check(successes, trials, alpha);
        if (successes == 0) return 0;
        // no random generator: the distribution is only asked for quantiles, never for samples
        return new BetaDistribution(null, successes, trials - successes + 1, QUANTILE_ACCURACY)
                .inverseCumulativeProbability(alpha);
    }

    /** P(p ≤ upper) ≥ 1 − α for every true proportion p. */
    public static double upper(long successes, long trials, double alpha) {
        check(successes, trials, alpha);
        return 1 - lower(trials - successes, trials, alpha);
    }

    private static void check(long successes, long trials, double alpha) {
        if (trials < 1 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("Clopper-Pearson bound of " + successes + " successes in " + trials + " trials");
        }
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha must lie in (0, 1), got " + alpha);
    }
}
