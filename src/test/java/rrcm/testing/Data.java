package rrcm.testing;

import java.util.SplittableRandom;

/** Test inputs from a seeded generator of the test's own (independent of the engine's Philox). */
public final class Data {
    private Data() {}

    public static float[] normal(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller in double; only needs to be a reasonable Gaussian
            double u = 1 - r.nextDouble(), v = r.nextDouble();
            x[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }

    public static float[] uniform(long seed, int n, float low, float high) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (low + (high - low) * r.nextDouble());
        return x;
    }

    public static int[] ints(long seed, int n, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = r.nextInt(bound);
        return x;
    }

    public static int[] shapeOf(ai.djl.ndarray.NDArray a) {
        long[] s = a.getShape().getShape();
        int[] d = new int[s.length];
        for (int i = 0; i < s.length; i++) d[i] = (int) s[i];
        return d;
    }

    public static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
