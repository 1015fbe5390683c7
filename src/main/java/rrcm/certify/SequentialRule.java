package rrcm.certify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sequential CERTIFY: the estimation draws are looked at after n_1 &lt; n_2 &lt; ... &lt; n_K = N of them,
 * and sampling stops at the first look where the outcome is decided. The confidence budget α is split
 * over the looks (half to the last, the other half equally over the earlier ones), so by the union bound
 * every look's Clopper–Pearson bound holds at once with probability at least 1 − α, and the certificate
 * given at whichever look sampling stops is as valid as the fixed-N one, whatever rule chose the look.
 *
 * <p>The looks are N/64, N/16, N/4 and N (those of at least {@value #MIN_LOOK} draws). The outcome is
 * what the run reports: the entries of the certified-accuracy table an image counts in, i.e. the number
 * of report radii at or below its radius (abstaining counts in none). At an early look it counts as
 * decided when even the most favourable proportion still plausible (the upper Clopper–Pearson bound at
 * that look's α) would not, at the last look, certify the image in more entries than the certificate of
 * this look already does. Then sampling stops with this look's certificate (or abstention): more draws
 * would raise the radius within its table entry, not the table. So the table is, with high probability,
 * the one sampling to the end would give; radii (and so the ACR) are those of the look where sampling
 * stopped, a little smaller. When N is too small for two looks the rule is the fixed-N CERTIFY.
 */
public final class SequentialRule {
    static final int MIN_LOOK = 100;
    private static final int RATIO = 4, MAX_LOOKS = 4;

    private final long[] looks;
    private final double[] alphas;
    private final double sigma;
    private final double[] radii;

    /** The selected class's successes among estimation draws [from, to) (draws are numbered from 0). */
    @FunctionalInterface
    public interface Draws {
        long successes(long from, long to);
    }

    /** @param radii the report radii, ascending (the entries of the certified-accuracy table) */
    public SequentialRule(long n, double alpha, double sigma, double[] radii) {
        List<Long> points = new ArrayList<>();
        for (int j = MAX_LOOKS - 1; j >= 1; j--) {
            long look = n / pow(RATIO, j);
            if (look >= MIN_LOOK && (points.isEmpty() || look > points.getLast())) points.add(look);
        }
        points.add(n);
        looks = points.stream().mapToLong(Long::longValue).toArray();
        int k = looks.length;
        alphas = new double[k];
        if (k == 1) {
            alphas[0] = alpha;
        } else {
            Arrays.fill(alphas, alpha / 2 / (k - 1));
            alphas[k - 1] = alpha / 2;
        }
        this.sigma = sigma;
        this.radii = radii.clone();
    }

    /** Any looks and any split of the confidence budget: for tests of the rule's validity (and of its negative controls). */
    SequentialRule(long[] looks, double[] alphas, double sigma, double[] radii) {
        if (looks.length == 0 || looks.length != alphas.length) throw new IllegalArgumentException("one alpha per look");
        this.looks = looks.clone();
        this.alphas = alphas.clone();
        this.sigma = sigma;
        this.radii = radii.clone();
    }

    private static long pow(int base, int exp) {
        long r = 1;
        for (int i = 0; i < exp; i++) r *= base;
        return r;
    }

    /** The cumulative numbers of estimation draws after which the rule looks. */
    public long[] looks() {
        return looks.clone();
    }

    /** The share of α spent by the bound of each look. */
    public double[] alphas() {
        return alphas.clone();
    }

    /** Draws look by look until the outcome is decided; the certificate's n is the number of draws used. */
    public Certificate certify(int selected, Draws draws) {
        long nA = 0, drawn = 0;
        for (int look = 0; ; look++) {
            nA += draws.successes(drawn, looks[look]);
            drawn = looks[look];
            Certificate c = after(look, selected, nA);
            if (c != null) return c;
        }
    }

    /** The decision after look number {@code look} (0-based) with nA of looks()[look] draws on the selected class, or null to go on. */
    Certificate after(int look, int selected, long nA) {
        int lastLook = looks.length - 1;
        long n = looks[look], last = looks[lastLook];
        Certificate now = Certificate.decide(selected, nA, n, alphas[look], sigma);
        if (look == lastLook) return now;
        // the last look's certificate if the draws went on at the upper bound of the proportion
        long hopeful = Math.min(last, (long) Math.ceil(ClopperPearson.upper(nA, n, alphas[look]) * last));
        Certificate best = Certificate.decide(selected, hopeful, last, alphas[lastLook], sigma);
        return level(best) <= level(now) ? now : null;
    }

    // The entries of the certified-accuracy table a certificate counts in: report radii at or below its
    // radius; -1 for abstaining, which counts in none, not even radius 0.
    private int level(Certificate c) {
        if (c.abstained()) return -1;
        int l = 0;
        while (l < radii.length && radii[l] <= c.radius()) l++;
        return l;
    }
}
