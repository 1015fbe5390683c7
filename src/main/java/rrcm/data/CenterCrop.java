package rrcm.data;

import java.util.random.RandomGenerator;

/** Cuts the central size x size square; the offset (h - size) / 2 rounds halves to even, like torchvision. */
public record CenterCrop(int size) implements Transform {
    public CenterCrop {
        if (size <= 0) throw new IllegalArgumentException("crop size must be positive, got " + size);
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
        if (in.height() < size || in.width() < size) throw new IllegalArgumentException("center crop " + size + " does not fit a " + in + " image");
        return new ImageShape(in.channels(), size, size);
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        int top = offset(in.height(), size);
        int left = offset(in.width(), size);
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < size; y++) {
                System.arraycopy(src, (c * in.height() + top + y) * in.width() + left, dst, (c * size + y) * size, size);
            }
        }
    }

    static int offset(int length, int size) {
        return (int) Math.rint((length - size) / 2.0);
    }
}
