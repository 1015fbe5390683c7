package rrcm.data;

import java.util.Objects;

/**
 * A data set held in memory as 8-bit pixels (Fashion-MNIST, CIFAR-10): one byte per value is a quarter
 * of the float size, and the whole of CIFAR-10's training set fits in 150 MB this way.
 */
final class ByteImages implements ImageDataset {
    /** v / 255 for every byte value, correctly rounded (so 255 maps to exactly 1). */
    private static final float[] UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) UNIT[v] = v / 255f;
    }

    private final String name;
    private final ImageShape shape;
    private final int classes;
    private final byte[] pixels; // image i occupies [i * shape.size(), (i + 1) * shape.size()), CHW
    private final byte[] labels;

    ByteImages(String name, ImageShape shape, int classes, byte[] pixels, byte[] labels) {
        this.name = Objects.requireNonNull(name);
        this.shape = Objects.requireNonNull(shape);
        this.classes = classes;
        if ((long) labels.length * shape.size() != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes do not hold " + labels.length + " images of " + shape);
        }
        this.pixels = pixels;
        this.labels = labels;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return shape.channels();
    }

    @Override
    public int height() {
        return shape.height();
    }

    @Override
    public int width() {
        return shape.width();
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public ImageShape shape() {
        return shape;
    }

    @Override
    public void image(int index, float[] dst, int offset) {
        Objects.checkIndex(index, labels.length);
        int n = shape.size();
        int from = index * n;
        for (int i = 0; i < n; i++) dst[offset + i] = UNIT[pixels[from + i] & 0xFF];
    }

    @Override
    public int label(int index) {
        return labels[index];
    }
}
