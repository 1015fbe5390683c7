package rrcm.data;

import java.util.random.RandomGenerator;

/** Inverts every value at or above the threshold: v -> 1 - v where v >= threshold. */
public record Solarize(float threshold) implements Transform {
    @Override
    public ImageShape outputShape(ImageShape in) {
        return in;
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        int n = in.size();
        for (int i = 0; i < n; i++) {
            float v = src[i];
            dst[i] = v >= threshold ? 1 - v : v;
        }
    }
}
