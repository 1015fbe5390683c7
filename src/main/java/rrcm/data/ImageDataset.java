package rrcm.data;

/**
 * A labelled image data set on the host. Images are CHW floats in [0, 1], all of one shape.
 * Implementations are safe to read from several threads at once (the loader's workers do).
 */
public interface ImageDataset {
    /** A short name for messages and run reports, e.g. "fashion-mnist train". */
    String name();

    int size();

    int channels();

    int height();

    int width();

    /** Number of classes; labels are 0 .. classes() - 1. */
    int classes();

    /** Writes image {@code index} as CHW floats in [0, 1] into dst[offset .. offset + shape().size()). */
    void image(int index, float[] dst, int offset);

    int label(int index);

    default ImageShape shape() {
        return new ImageShape(channels(), height(), width());
    }
}
