package rrcm.certify;

/**
 * The outcome of PREDICT for one image (docs/method.md 3): the top class, unless the two-sided binomial test
 * of the top two counts c1 against c2 at p = 1/2 cannot reject a tie at level α (then {@link
 * Certificate#ABSTAIN}). Cohen et al. show the answer differs from the smoothed classifier's with
 * probability at most α.
 */
public record Prediction(int predict, long c1, long c2, double pValue) {
    public static Prediction decide(long[] counts, double alpha) {
        int top = Counts.argmax(counts);
        long second = 0;
        for (int c = 0; c < counts.length; c++) if (c != top) second = Math.max(second, counts[c]);
        double p = BinomialTest.twoSidedHalf(counts[top], second);
        return new Prediction(p > alpha ? Certificate.ABSTAIN : top, counts[top], second, p);
    }

    public boolean abstained() {
        return predict == Certificate.ABSTAIN;
    }
}
