package rrcm.data;

import java.util.random.RandomGenerator;

/** Replaces an RGB image by its luma in all three channels; a one-channel image is already gray. */
public record Grayscale() implements Transform {
    @Override
    public ImageShape outputShape(ImageShape in) {
        if (in.channels() != 1 && in.channels() != 3) throw new IllegalArgumentException("grayscale needs 1 or 3 channels, got " + in);
        return in;
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        if (in.channels() == 1) {
            System.arraycopy(src, 0, dst, 0, in.size());
            return;
        }
        int plane = in.plane();
        for (int i = 0; i < plane; i++) {
            float gray = ColorJitter.LUMA_R * src[i] + ColorJitter.LUMA_G * src[plane + i] + ColorJitter.LUMA_B * src[2 * plane + i];
            gray = Math.min(1f, gray);
            dst[i] = gray;
            dst[plane + i] = gray;
            dst[2 * plane + i] = gray;
        }
    }
}
