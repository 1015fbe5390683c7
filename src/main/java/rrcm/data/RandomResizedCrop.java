package rrcm.data;

import java.util.random.RandomGenerator;

/**
 * Crops a random box and resizes it to size x size (antialiased bilinear). The box is drawn the way
 * torchvision's RandomResizedCrop draws it: an area fraction uniform in [minScale, maxScale] and a
 * log-uniform aspect ratio in [minRatio, maxRatio], up to ten tries for a box that fits; if none
 * fits, the largest centred box whose ratio is within range.
 */
public record RandomResizedCrop(int size, double minScale, double maxScale, double minRatio, double maxRatio) implements Transform {
    private static final int TRIES = 10;

    public RandomResizedCrop {
        if (size <= 0) throw new IllegalArgumentException("crop size must be positive, got " + size);
        if (!(0 < minScale && minScale <= maxScale && maxScale <= 1)) throw new IllegalArgumentException("bad crop scale range " + minScale + ".." + maxScale);
        if (!(0 < minRatio && minRatio <= maxRatio)) throw new IllegalArgumentException("bad crop ratio range " + minRatio + ".." + maxRatio);
    }

    /** The crop of SimCLR/MoCo/BYOL and of rRCM: scale 0.08-1, ratio 3/4-4/3. */
    public RandomResizedCrop(int size) {
        this(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /** A crop box in source pixels. */
    record Box(int top, int left, int height, int width) {}

    @Override
    public ImageShape outputShape(ImageShape in) {
        return new ImageShape(in.channels(), size, size);
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        Box box = sample(in.height(), in.width(), rng);
        var ys = Resample.axis(box.top(), box.height(), size, 0, size);
        var xs = Resample.axis(box.left(), box.width(), size, 0, size);
        float[] tmp = scratch.floats(this, Resample.scratchSize(in.channels(), ys, xs));
        Resample.apply(src, in.channels(), in.height(), in.width(), ys, xs, dst, 0, tmp);
    }

    Box sample(int height, int width, RandomGenerator rng) {
        double area = (double) height * width;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int t = 0; t < TRIES; t++) {
            double target = area * uniform(rng, minScale, maxScale);
            double ratio = Math.exp(uniform(rng, logMin, logMax));
            // rint rounds halves to even, like Python's round() in the reference sampling.
            int w = (int) Math.rint(Math.sqrt(target * ratio));
            int h = (int) Math.rint(Math.sqrt(target / ratio));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(top, left, h, w);
            }
        }
        double ratio = (double) width / height;
        int w = width;
        int h = height;
        if (ratio < minRatio) {
            h = (int) Math.rint(w / minRatio);
        } else if (ratio > maxRatio) {
            w = (int) Math.rint(h * maxRatio);
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w);
    }

    /** Uniform in [lo, hi), and exactly lo when the range is empty (nextDouble(lo, hi) rejects that). */
    static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
