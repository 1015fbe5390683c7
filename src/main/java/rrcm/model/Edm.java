package rrcm.model;

/**
 * The denoiser's preconditioning of Karras et al. (2022, "EDM"; docs/method.md 2.5), in model space (images in [-1, 1], data
 * standard deviation sigma_data = 0.5): D(x; t) = c_skip(t) x + c_out(t) F(c_in(t) x; c_noise(t)), the
 * loss weight that makes every time's target of F unit-variance, and the training times ln t ~ N(-1.2, 1.2^2).
 * The encoder's time token embeds 250 ln t (TimeEmbedding); c_noise = ln(t) / 4 is the same information
 * on EDM's scale, so the denoiser conditions its time token exactly as the encoder does.
 */
public final class Edm {
    public static final double P_MEAN = -1.2, P_STD = 1.2;
    private static final double SD = KarrasSchedule.SIGMA_DATA;

    private Edm() {}

    /** c_skip(t) = sd^2 / (t^2 + sd^2): how much of the noisy input the denoised image keeps. */
    public static double cSkip(double t) {
        return SD * SD / (t * t + SD * SD);
    }

    /** c_out(t) = t sd / sqrt(t^2 + sd^2): the scale of the network's correction. */
    public static double cOut(double t) {
        return t * SD / Math.sqrt(t * t + SD * SD);
    }

    /** c_in(t) = 1 / sqrt(t^2 + sd^2), the encoder's input scaling too. */
    public static double cIn(double t) {
        return KarrasSchedule.cIn(t);
    }

    /** c_noise(t) = ln(t) / 4, EDM's conditioning input. */
    public static double cNoise(double t) {
        return Math.log(t) / 4;
    }

    /** lambda(t) = (t^2 + sd^2) / (t sd)^2 = 1 / c_out(t)^2. */
    public static double lossWeight(double t) {
        return (t * t + SD * SD) / (t * SD * t * SD);
    }

    /** A training time from a standard normal draw z: t = exp(P_MEAN + P_STD z). */
    public static double trainingTime(double z) {
        return Math.exp(P_MEAN + P_STD * z);
    }
}
