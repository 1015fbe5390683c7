package rrcm.model;

/** The TIME token: a sinusoidal embedding of s = 250 ln t, cosines first, with no MLP after it. */
public final class TimeEmbedding {
    private TimeEmbedding() {}

    /** [cos(s f_0) .. cos(s f_{h-1}), sin(s f_0) .. sin(s f_{h-1})] with h = dim/2, f_i = exp(-ln(10000) i / h). */
    public static float[] sinusoidal(double t, int dim) {
        if (dim % 2 != 0) throw new IllegalArgumentException("time embedding needs an even dimension, got " + dim);
        if (!(t > 0)) throw new IllegalArgumentException("time embedding needs t > 0, got " + t);
        double s = 250 * Math.log(t);
        int half = dim / 2;
        float[] e = new float[dim];
        for (int i = 0; i < half; i++) {
            double f = Math.exp(-Math.log(10000) * i / half);
            e[i] = (float) Math.cos(s * f);
            e[half + i] = (float) Math.sin(s * f);
        }
        return e;
    }
}
