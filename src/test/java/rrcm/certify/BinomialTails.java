package rrcm.certify;

/**
 * Binomial probabilities computed from scratch for the tests (log-factorials by summing logs, tails by
 * summing terms), independently of the Beta functions the code under test uses.
 */
final class BinomialTails {
    private final double[] logFactorial;

    BinomialTails(int maxN) {
        logFactorial = new double[maxN + 1];
        for (int i = 1; i <= maxN; i++) logFactorial[i] = logFactorial[i - 1] + Math.log(i);
    }

    double logPmf(int n, int k, double p) {
        if (p == 0) return k == 0 ? 0 : Double.NEGATIVE_INFINITY;
        if (p == 1) return k == n ? 0 : Double.NEGATIVE_INFINITY;
        return logFactorial[n] - logFactorial[k] - logFactorial[n - k] + k * Math.log(p) + (n - k) * Math.log1p(-p);
    }

    /** P(X ≥ k), X ~ Binomial(n, p), summed from the smaller terms up. */
    double upperTail(int n, int k, double p) {
        double sum = 0;
        for (int j = n; j >= k; j--) sum += Math.exp(logPmf(n, j, p));
        return sum;
    }

    /** P(X ≤ k). */
    double lowerTail(int n, int k, double p) {
        double sum = 0;
        for (int j = 0; j <= k; j++) sum += Math.exp(logPmf(n, j, p));
        return sum;
    }

    /**
     * The Clopper–Pearson lower bound by its definition: the p at which seeing k or more successes has
     * probability exactly α (the upper tail rises with p), found by bisection.
     */
    double clopperPearsonLower(int n, int k, double alpha) {
        if (k == 0) return 0;
        double lo = 0, hi = 1;
        for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
            double mid = (lo + hi) / 2;
            if (upperTail(n, k, mid) < alpha) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }
}
