package rrcm.optim;

/** Learning-rate and EMA-rate schedules as functions of the step. */
public final class Schedules {
    private Schedules() {}

    /**
     * Linear warmup to peak over warmup steps, then cosine decay to 0 at totalSteps. The warmup starts at
     * peak / warmup, not at 0 (docs/method.md section 6: the reference's first epoch at lr 0 trains nothing).
     */
    public static float warmupCosine(float peak, long step, long warmup, long totalSteps) {
        if (step < warmup) return peak * (step + 1) / warmup;
        long decay = Math.max(1, totalSteps - warmup);
        double progress = Math.min(1.0, (double) (step - warmup) / decay);
        return (float) (peak * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /**
     * The target network's EMA rate: from mu0 to mu1 over kEma steps along a sigmoid,
     * e = sqrt(k/kEma (mu1^2 - mu0^2) + mu0^2), c = 2 / (1 + exp(-A (e - mu0) / (mu1 - mu0))) - 1,
     * mu = c mu1 + (1 - c) mu0; mu1 after kEma.
     */
    public static float emaRate(long step, long kEma, double mu0, double mu1, double sharpness) {
        if (step >= kEma) return (float) mu1;
        double e = Math.sqrt((double) step / kEma * (mu1 * mu1 - mu0 * mu0) + mu0 * mu0);
        double c = 2 / (1 + Math.exp(-sharpness * (e - mu0) / (mu1 - mu0))) - 1;
        return (float) (c * mu1 + (1 - c) * mu0);
    }
}
