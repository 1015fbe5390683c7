package rrcm.data;

import java.util.random.RandomGenerator;

/** Mirrors the image left to right (always; wrap it in {@link RandomApply} for a random flip). */
public record HorizontalFlip() implements Transform {
    @Override
    public ImageShape outputShape(ImageShape in) {
        return in;
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        int w = in.width();
        int rows = in.channels() * in.height();
        for (int r = 0; r < rows; r++) {
            int row = r * w;
            for (int x = 0; x < w; x++) dst[row + x] = src[row + w - 1 - x];
        }
    }
}
