package rrcm.data;

import java.util.random.RandomGenerator;

/**
 * Resizes so that the shorter side becomes {@code size} (antialiased bilinear), keeping the aspect
 * ratio; the longer side is truncated to an integer, as torchvision's Resize(int) does.
 */
public record Resize(int size) implements Transform {
    public Resize {
        if (size <= 0) throw new IllegalArgumentException("resize target must be positive, got " + size);
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
        int h = in.height();
        int w = in.width();
        return h <= w
                ? new ImageShape(in.channels(), size, (int) ((long) size * w / h))
                : new ImageShape(in.channels(), (int) ((long) size * h / w), size);
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        ImageShape out = outputShape(in);
        if (out.equals(in)) {
            System.arraycopy(src, 0, dst, 0, in.size());
            return;
        }
        var ys = Resample.axis(0, in.height(), out.height(), 0, out.height());
        var xs = Resample.axis(0, in.width(), out.width(), 0, out.width());
        float[] tmp = scratch.floats(this, Resample.scratchSize(in.channels(), ys, xs));
        Resample.apply(src, in.channels(), in.height(), in.width(), ys, xs, dst, 0, tmp);
    }
}
