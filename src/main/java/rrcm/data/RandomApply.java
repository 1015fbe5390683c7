package rrcm.data;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Applies {@code transform} with probability p, otherwise passes the image through. The coin is
 * always drawn, before anything the transform draws.
 */
public record RandomApply(double p, Transform transform) implements Transform {
    public RandomApply {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        Objects.requireNonNull(transform);
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
        ImageShape out = transform.outputShape(in);
        if (!out.equals(in)) throw new IllegalArgumentException("a random " + transform + " must keep the shape " + in + ", it makes " + out);
        return out;
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        if (rng.nextDouble() < p) {
            transform.apply(src, in, dst, rng, scratch);
        } else {
            System.arraycopy(src, 0, dst, 0, in.size());
        }
    }
}
