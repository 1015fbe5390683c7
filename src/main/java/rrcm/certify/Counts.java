package rrcm.certify;

/** Per-class vote counts of the base classifier on noisy copies of one image. */
final class Counts {
    private Counts() {}

    /** The class with the most votes; the lowest index among ties, as the base classifier's argmax. */
    static int argmax(long[] counts) {
        int best = 0;
        for (int c = 1; c < counts.length; c++) if (counts[c] > counts[best]) best = c;
        return best;
    }
}
