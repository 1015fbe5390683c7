package rrcm.certify;

import org.apache.commons.math3.special.Erf;

/**
 * The outcome of CERTIFY for one image (docs/method.md 3): the class predicted (or {@link #ABSTAIN}), the
 * certified ℓ2 radius, and the evidence behind it: nA of n estimation draws fell on the selected class,
 * whose probability is at least pA with confidence 1 − α.
 */
public record Certificate(int predict, double radius, long nA, long n, double pA) {
    public static final int ABSTAIN = -1;

    /** pA = Clopper–Pearson lower bound; abstain below 1/2, else radius σ Φ⁻¹(pA). */
    public static Certificate decide(int selected, long nA, long n, double alpha, double sigma) {
        double pA = ClopperPearson.lower(nA, n, alpha);
        return fromBound(selected, nA, n, pA, sigma);
    }

    static Certificate fromBound(int selected, long nA, long n, double pA, double sigma) {
        if (pA < 0.5) return new Certificate(ABSTAIN, 0, nA, n, pA);
        return new Certificate(selected, sigma * normalQuantile(pA), nA, n, pA);
    }

    public boolean abstained() {
        return predict == ABSTAIN;
    }

    /** The largest radius n draws can certify: every draw on the class gives pA = α^(1/n). */
    public static double maxRadius(long n, double alpha, double sigma) {
        return sigma * normalQuantile(Math.pow(alpha, 1.0 / n));
    }

    /** Φ⁻¹(p) = √2 erf⁻¹(2p − 1); 2p − 1 is exact for p in [1/2, 1], where certification uses it. */
    public static double normalQuantile(double p) {
        return Math.sqrt(2) * Erf.erfInv(2 * p - 1);
    }
}
