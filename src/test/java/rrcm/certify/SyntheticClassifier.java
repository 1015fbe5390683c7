package rrcm.certify;

import java.util.SplittableRandom;

/**
 * A base classifier whose vote probabilities are known exactly: each noisy copy votes for class c with
 * probability p[c]. Votes are drawn from a seeded generator, binomial counts by inversion of the exact
 * CDF, so a simulated certification costs microseconds and no model.
 */
final class SyntheticClassifier {
    final double[] p;
    private final SplittableRandom random;
    private final BinomialTails tails;
    private final java.util.Map<Long, double[]> cdfs = new java.util.HashMap<>();

    SyntheticClassifier(double[] p, long seed, int maxN) {
        this.p = p.clone();
        this.random = new SplittableRandom(seed);
        this.tails = new BinomialTails(maxN);
    }

    /** Votes of n copies. */
    long[] counts(int n) {
        long[] c = new long[p.length];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble(), acc = 0;
            int k = 0;
            while (k < p.length - 1 && u >= (acc += p[k])) k++;
            c[k]++;
        }
        return c;
    }

    /** Votes for class c among n copies: Binomial(n, p[c]) by inversion of its CDF (tabulated once). */
    long successes(int c, long n) {
        double[] cdf = cdfs.computeIfAbsent(n * p.length + c, key -> {
            double[] t = new double[(int) n + 1];
            double acc = 0;
            for (int k = 0; k <= n; k++) t[k] = acc += Math.exp(tails.logPmf((int) n, k, p[c]));
            return t;
        });
        int k = java.util.Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(n, k >= 0 ? k + 1 : -k - 1); // the first k with u < CDF(k)
    }
}
