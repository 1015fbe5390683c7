package rrcm.certify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The guarantee: a certificate is false when the class it names has vote probability p with
 * σ Φ⁻¹(p) below the certified radius (for p below 1/2 every certificate is false). Its probability must
 * stay below α, for the fixed-N CERTIFY and for the sequential rule, by simulation with a base classifier
 * of known p, and exactly, by summing binomial probabilities (for the sequential rule, by dynamic
 * programming over its looks).
 */
class ValidityTest {
    static final double SIGMA = 0.25;
    static final int N0 = 10;

    /** Three classes: the top one at pA, the rest split 60:40. */
    static double[] votes(double pA) {
        return new double[] {pA, (1 - pA) * 0.6, (1 - pA) * 0.4};
    }

    static boolean isFalse(Certificate c, double[] p) {
        if (c.abstained()) return false;
        double truth = p[c.predict()];
        return truth < 0.5 || c.radius() > SIGMA * Certificate.normalQuantile(truth);
    }

    /** The largest frequency that is still consistent with a rate of α: α plus three standard errors. */
    static double limit(double alpha, int trials) {
        return alpha + 3 * Math.sqrt(alpha * (1 - alpha) / trials);
    }

    /** One simulated CERTIFY: selection, then the estimation count mapped to its certificate by a table. */
    static double falseRate(double pA, int n, Certificate[] byCount, int trials, long seed) {
        SyntheticClassifier f = new SyntheticClassifier(votes(pA), seed, n);
        int bad = 0;
        for (int t = 0; t < trials; t++) {
            int selected = Counts.argmax(f.counts(N0));
            Certificate c = byCount[(int) f.successes(selected, n)];
            c = new Certificate(c.abstained() ? Certificate.ABSTAIN : selected, c.radius(), c.nA(), c.n(), c.pA());
            if (isFalse(c, f.p)) bad++;
        }
        return (double) bad / trials;
    }

    static Certificate[] table(int n, double alpha, java.util.function.LongFunction<Double> bound) {
        Certificate[] out = new Certificate[n + 1];
        for (int k = 0; k <= n; k++) out[k] = Certificate.fromBound(0, k, n, bound.apply(k), SIGMA);
        return out;
    }

    @Test
    void fixedCertifyFalseCertificatesStayBelowAlpha() {
        double alpha = 0.05;
        int trials = 20_000;
        for (int n : new int[] {100, 1000}) {
            Certificate[] clopperPearson = table(n, alpha, k -> ClopperPearson.lower(k, n, alpha));
            for (double pA : new double[] {0.45, 0.5, 0.6, 0.8, 0.95, 0.99, 0.999}) {
                double rate = falseRate(pA, n, clopperPearson, trials, 11 + n + (long) (pA * 1000));
                assertTrue(rate <= limit(alpha, trials), "pA " + pA + ", N " + n + ": false certificates " + rate);
            }
        }
    }

    /** The harness sees an invalid bound: Wald's normal approximation certifies falsely far more often than α. */
    @Test
    void theSimulationCatchesAnInvalidBound() {
        double alpha = 0.05, z = Certificate.normalQuantile(1 - alpha);
        int n = 100, trials = 20_000;
        Certificate[] wald = table(n, alpha, k -> {
            double p = (double) k / n;
            return p - z * Math.sqrt(p * (1 - p) / n);
        });
        double rate = falseRate(0.99, n, wald, trials, 3);
        assertTrue(rate > 0.3, "Wald's bound at pA 0.99, N 100: false certificates " + rate); // (0.99)^100 = 0.37
    }

    /** Exactly, for a grid of p: P(lower bound of Binomial(N, p) > p) ≤ α. */
    @Test
    void fixedCertifyIsValidExactly() {
        BinomialTails tails = new BinomialTails(2000);
        for (double alpha : new double[] {0.001, 0.05}) {
            for (int n : new int[] {100, 2000}) {
                double[] lower = new double[n + 1];
                for (int k = 0; k <= n; k++) lower[k] = ClopperPearson.lower(k, n, alpha);
                double worst = 0;
                for (int i = 1; i < 1000; i++) {
                    double p = i / 1000.0;
                    double falseProbability = 0;
                    for (int k = 0; k <= n; k++) if (lower[k] > p) falseProbability += Math.exp(tails.logPmf(n, k, p));
                    worst = Math.max(worst, falseProbability);
                }
                assertTrue(worst <= alpha * (1 + 1e-9), "alpha " + alpha + ", N " + n + ": worst " + worst);
                // Clopper-Pearson is exact but conservative: its worst case comes near alpha
                assertTrue(worst > alpha / 3, "alpha " + alpha + ", N " + n + ": worst " + worst);
            }
        }
    }

    @Test
    void sequentialFalseCertificatesStayBelowAlpha() {
        double alpha = 0.05;
        int n = 6400, trials = 5000;
        SequentialRule rule = new SequentialRule(n, alpha, SIGMA, CertifySummary.CIFAR_RADII);
        assertArrayEquals(new long[] {100, 400, 1600, 6400}, rule.looks());
        for (double pA : new double[] {0.45, 0.5, 0.6, 0.8, 0.95, 0.99, 0.999}) {
            SyntheticClassifier f = new SyntheticClassifier(votes(pA), 101 + (long) (pA * 1000), n);
            int bad = 0;
            for (int t = 0; t < trials; t++) {
                int selected = Counts.argmax(f.counts(N0));
                Certificate c = rule.certify(selected, (from, to) -> f.successes(selected, to - from));
                if (isFalse(c, f.p)) bad++;
            }
            double rate = (double) bad / trials;
            assertTrue(rate <= limit(alpha, trials), "sequential, pA " + pA + ": false certificates " + rate);
        }
    }

    /**
     * The exact probability that the rule's certificate is false when the selected class has vote probability p:
     * the distribution of its successes among the runs still sampling, carried from look to look by
     * convolution with the next draws' binomial, each run leaving where the rule decides. Masses below 1e-40
     * are dropped (their sum is far below any α here). The rule's decisions do not depend on p, so they are
     * computed once per (look, successes).
     */
    static final class SequentialExact {
        private final long[] looks;
        private final Certificate[][] decisions;
        private final BinomialTails tails;

        SequentialExact(SequentialRule rule) {
            looks = rule.looks();
            decisions = new Certificate[looks.length][];
            for (int look = 0; look < looks.length; look++) {
                decisions[look] = new Certificate[(int) looks[look] + 1];
                for (int k = 0; k <= looks[look]; k++) decisions[look][k] = rule.after(look, 0, k);
            }
            tails = new BinomialTails((int) looks[looks.length - 1]);
        }

        double falseProbability(double p) {
            double[] mass = pmf((int) looks[0], p);
            double bad = 0;
            for (int look = 0; look < looks.length; look++) {
                for (int k = 0; k < mass.length; k++) {
                    Certificate c = decisions[look][k];
                    if (mass[k] == 0 || c == null) continue;
                    if (isFalse(c, p)) bad += mass[k];
                    mass[k] = 0;
                }
                if (look + 1 < looks.length) mass = convolve(mass, pmf((int) (looks[look + 1] - looks[look]), p));
            }
            return bad;
        }

        private double[] pmf(int n, double p) {
            double[] out = new double[n + 1];
            for (int k = 0; k <= n; k++) {
                double v = Math.exp(tails.logPmf(n, k, p));
                out[k] = v < 1e-40 ? 0 : v;
            }
            return out;
        }

        private static double[] convolve(double[] a, double[] b) {
            double[] out = new double[a.length + b.length - 1];
            int bLo = 0, bHi = b.length - 1;
            while (bLo < bHi && b[bLo] == 0) bLo++;
            while (bHi > bLo && b[bHi] == 0) bHi--;
            for (int i = 0; i < a.length; i++) {
                if (a[i] == 0) continue;
                for (int j = bLo; j <= bHi; j++) out[i + j] += a[i] * b[j];
            }
            return out;
        }
    }

    static boolean isFalse(Certificate c, double p) {
        return !c.abstained() && (p < 0.5 || c.radius() > SIGMA * Certificate.normalQuantile(p));
    }

    /** The vote probabilities to check: a grid, and each table radius's threshold with its neighbours. */
    static double[] probabilities() {
        java.util.List<Double> ps = new java.util.ArrayList<>();
        for (int i = 60; i < 200; i++) ps.add(i / 200.0);
        for (double x : new double[] {0.996, 0.998, 0.999, 0.9995, 0.9999, 0.99995}) ps.add(x);
        for (double r : CertifySummary.CIFAR_RADII) {
            double threshold = 0.5 + 0.5 * org.apache.commons.math3.special.Erf.erf(r / SIGMA / Math.sqrt(2));
            for (double d : new double[] {-1e-3, -1e-4, 0, 1e-4}) if (threshold + d < 1) ps.add(threshold + d);
        }
        return ps.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Exactly, for every p of the grid: P(the sequential rule's certificate is false) ≤ α. */
    @Test
    void sequentialRuleIsValidExactly() {
        for (double alpha : new double[] {0.05, 0.001}) {
            for (long n : new long[] {6400, 25_600}) {
                SequentialRule rule = new SequentialRule(n, alpha, SIGMA, CertifySummary.CIFAR_RADII);
                assertEquals(4, rule.looks().length);
                SequentialExact exact = new SequentialExact(rule);
                double worst = 0;
                for (double p : probabilities()) worst = Math.max(worst, exact.falseProbability(p));
                assertTrue(worst <= alpha * (1 + 1e-9), "alpha " + alpha + ", N " + n + ": worst " + worst);
            }
        }
    }

    /**
     * The negative control: the same looks and stopping rule with the whole α at every look (no split) is
     * caught by the exact check, which would therefore catch a rule that spends more than its α.
     */
    @Test
    void theExactCheckRejectsARuleThatSpendsAlphaAtEveryLook() {
        double alpha = 0.05;
        long[] looks = {100, 400, 1600, 6400};
        SequentialRule naive = new SequentialRule(looks, new double[] {alpha, alpha, alpha, alpha}, SIGMA, CertifySummary.CIFAR_RADII);
        SequentialExact exact = new SequentialExact(naive);
        double worst = 0;
        for (double p : probabilities()) worst = Math.max(worst, exact.falseProbability(p));
        assertTrue(worst > alpha * 1.2, "the naive rule's worst false-certificate probability " + worst);
    }

    @Test
    void theSequentialRuleSpendsAlphaOverItsLooks() {
        SequentialRule rule = new SequentialRule(100_000, 0.001, SIGMA, CertifySummary.CIFAR_RADII);
        assertArrayEquals(new long[] {1562, 6250, 25_000, 100_000}, rule.looks());
        assertEquals(0.001, Arrays.stream(rule.alphas()).sum(), 1e-15);
        assertEquals(0.0005, rule.alphas()[3], 1e-18);
        // too few draws for two looks: the fixed rule
        SequentialRule single = new SequentialRule(300, 0.001, SIGMA, CertifySummary.CIFAR_RADII);
        assertArrayEquals(new long[] {300}, single.looks());
        assertArrayEquals(new double[] {0.001}, single.alphas());
        assertEquals(Certificate.decide(1, 290, 300, 0.001, SIGMA), single.certify(1, (a, b) -> 290));
    }

    /** What the sequential rule saves: images whose table entries are clear stop early, borderline ones go to N. */
    @Test
    void theSequentialRuleStopsWhenTheOutcomeIsDecided() {
        long n = 100_000;
        SequentialRule rule = new SequentialRule(n, 0.001, SIGMA, CertifySummary.CIFAR_RADII);
        // every draw right: sigma 0.25 can reach 0.944 at N, so 0.75 is the last entry reachable;
        // 6,250 draws certify 0.748, 25,000 draws 0.85
        Certificate sure = rule.certify(4, (a, b) -> b - a);
        assertEquals(25_000, sure.n());
        assertEquals(4, sure.predict());
        assertTrue(sure.radius() >= 0.75 && sure.radius() < Certificate.decide(4, n, n, 0.001, SIGMA).radius());
        // a fifth of the draws right: abstained on at the first look
        Certificate hopeless = rule.certify(4, (a, b) -> (b - a) / 5);
        assertTrue(hopeless.abstained());
        assertEquals(1562, hopeless.n());
        // 70 % right: radius 0.13 at N, and 0.25 is out of reach from the first look on
        Certificate clear = rule.certify(4, (a, b) -> (b - a) * 7 / 10);
        assertEquals(1562, clear.n());
        assertTrue(clear.radius() > 0 && clear.radius() < Certificate.decide(4, 70_000, n, 0.001, SIGMA).radius());
        // 84.13 % right: radius 0.2467 at N, just short of 0.25: open until the last look, where half of alpha is left
        Certificate close = rule.certify(4, (a, b) -> Math.round(b * 0.8413) - Math.round(a * 0.8413));
        assertEquals(n, close.n());
        Certificate fixed = Certificate.decide(4, 84_130, n, 0.001, SIGMA);
        assertTrue(close.radius() < fixed.radius() && close.radius() > fixed.radius() - 0.002, close.radius() + " vs " + fixed.radius());
    }
}
