package rrcm.backend;

/** The argument checks of {@link Backend#adamwAll}, shared by the backends. */
public final class UpdateLists {
    private UpdateLists() {}

    public static void checkPairs(String op, Storage[] y, Storage[] x) {
        if (y.length != x.length) throw new IllegalArgumentException(op + ": " + y.length + " targets but " + x.length + " sources");
        for (int i = 0; i < y.length; i++) {
            if (y[i].numel() != x[i].numel()) {
                throw new IllegalArgumentException(op + ": pair " + i + " has " + y[i].numel() + " and " + x[i].numel() + " values");
            }
        }
    }

    public static void check(String op, Storage[] p, Storage[] g, Storage[] m, Storage[] v, float[] lrScale, float[] weightDecay) {
        int n = p.length;
        if (g.length != n || m.length != n || v.length != n || lrScale.length != n || weightDecay.length != n) {
            throw new IllegalArgumentException(op + ": " + n + " parameters but " + g.length + " gradients, " + m.length + " and "
                    + v.length + " moments, " + lrScale.length + " learning-rate scales and " + weightDecay.length
                    + " weight decays");
        }
        for (int i = 0; i < n; i++) {
            int size = p[i].numel();
            if (g[i].numel() != size || m[i].numel() != size || v[i].numel() != size) {
                throw new IllegalArgumentException(op + ": parameter " + i + " has " + size + " values but its gradient "
                        + g[i].numel() + " and moments " + m[i].numel() + ", " + v[i].numel());
            }
        }
    }
}
