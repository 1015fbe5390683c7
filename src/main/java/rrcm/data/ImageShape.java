package rrcm.data;

/** The shape of one CHW image: channels, height, width. */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image shape " + channels + "x" + height + "x" + width + " is too large for one array");
        }
    }

    /** Number of floats of one image. */
    public int size() {
        return channels * height * width;
    }

    /** Floats of one channel plane. */
    public int plane() {
        return height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
