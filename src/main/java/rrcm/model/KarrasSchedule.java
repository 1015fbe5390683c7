package rrcm.model;

/**
 * The EDM (Karras et al.) noise levels of rRCM in model space (images in [-1, 1], where pixel-space
 * noise sigma becomes t = 2 sigma), the curriculum over training steps, and the input scaling c_in.
 */
public final class KarrasSchedule {
    public static final double SIGMA_MIN = 0.002;
    public static final double SIGMA_MAX = 80;
    public static final double RHO = 7;
    public static final double SIGMA_DATA = 0.5;
    /** Levels of the fine-tuning and certification grid (the curriculum's last stage). */
    public static final int FINAL_LEVELS = 81;

    private KarrasSchedule() {}

    /** t_n = (smax^(1/rho) + n/(N-1) (smin^(1/rho) - smax^(1/rho)))^rho for n = 0..N-1; t_0 is the noisiest. */
    public static double[] grid(int levels) {
        if (levels < 2) throw new IllegalArgumentException("a Karras grid needs at least 2 levels, got " + levels);
        double hi = Math.pow(SIGMA_MAX, 1 / RHO), lo = Math.pow(SIGMA_MIN, 1 / RHO);
        double[] t = new double[levels];
        for (int n = 0; n < levels; n++) t[n] = Math.pow(hi + (double) n / (levels - 1) * (lo - hi), RHO);
        return t;
    }

    /**
     * Levels N(k) at step k of K: K' = ceil(K / log2(ceil(80/20) + 1)), N(k) = min(20 * 2^floor(k/K'), 80) + 1,
     * so 21, then 41, then 81 levels. The paper writes ceil(k/K'), which would use 21 levels at step 0 only;
     * floor gives the three stages its text describes and matches the improved consistency training rule
     * (docs/method.md 2.1).
     */
    public static int levels(long step, long totalSteps) {
        long kPrime = (long) Math.ceil(totalSteps / (Math.log(Math.ceil(80.0 / 20) + 1) / Math.log(2)));
        long doublings = Math.min(step / Math.max(1, kPrime), 2);
        return (int) Math.min(20L << doublings, 80) + 1;
    }

    /** c_in(t) = 1 / sqrt(t^2 + sigma_data^2). */
    public static double cIn(double t) {
        return 1 / Math.sqrt(t * t + SIGMA_DATA * SIGMA_DATA);
    }

    /** Index of the grid point of the 81-level grid nearest to t (fine-tuning and certification at sigma: t = 2 sigma). */
    public static int nearestIndex(double t) {
        double[] g = grid(FINAL_LEVELS);
        int best = 0;
        for (int n = 1; n < g.length; n++) if (Math.abs(g[n] - t) < Math.abs(g[best] - t)) best = n;
        return best;
    }

    /** The conditioning time used for pixel-space noise sigma: the grid point nearest 2 sigma. */
    public static double timeForSigma(double sigma) {
        return grid(FINAL_LEVELS)[nearestIndex(2 * sigma)];
    }
}
