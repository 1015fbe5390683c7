package rrcm.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Gaussian blur with σ uniform in [minSigma, maxSigma] per image, over an odd square kernel, with
 * reflect padding (the border pixel is not repeated: index -1 reads index 1). The kernel is
 * separable, so it runs as a row pass and a column pass: 2k instead of k² multiplies per pixel.
 */
public record GaussianBlur(int kernelSize, double minSigma, double maxSigma) implements Transform {
    public GaussianBlur {
        if (kernelSize < 1 || kernelSize % 2 == 0) throw new IllegalArgumentException("blur kernel size must be odd and positive, got " + kernelSize);
        if (!(0 < minSigma && minSigma <= maxSigma)) throw new IllegalArgumentException("bad blur sigma range " + minSigma + ".." + maxSigma);
    }

    /**
     * The blur of the SimCLR-family augmentations: a kernel about a tenth of the image side, made odd
     * (3 for 28-32 pixels, 23 for 224), σ in [0.1, 2].
     */
    public static GaussianBlur forImageSize(int size) {
        int k = (int) (0.1 * size);
        if (k % 2 == 0) k++;
        return new GaussianBlur(Math.max(3, k), 0.1, 2.0);
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
        int radius = kernelSize / 2;
        if (radius >= in.height() || radius >= in.width()) {
            throw new IllegalArgumentException("blur kernel " + kernelSize + " is too large for reflect padding of a " + in + " image");
        }
        return in;
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        int k = kernelSize;
        int radius = k / 2;
        int h = in.height();
        int w = in.width();
        int plane = in.plane();
        // One scratch buffer: the kernel first, then the row-pass image.
        float[] buf = scratch.floats(this, k + in.size());
        double sigma = RandomResizedCrop.uniform(rng, minSigma, maxSigma);
        double sum = 0;
        for (int t = 0; t < k; t++) sum += Math.exp(-(t - radius) * (t - radius) / (2 * sigma * sigma));
        for (int t = 0; t < k; t++) buf[t] = (float) (Math.exp(-(t - radius) * (t - radius) / (2 * sigma * sigma)) / sum);
        for (int c = 0; c < in.channels(); c++) {
            int base = c * plane;
            // Row pass: the interior as whole shifted rows (in-order loops the JIT vectorizes),
            // the `radius` pixels at each end through reflect().
            for (int y = 0; y < h; y++) {
                int row = base + y * w;
                int out = k + row;
                int interiorEnd = Math.max(radius, w - radius); // rows narrower than the kernel have no interior
                Arrays.fill(buf, out + radius, out + interiorEnd, 0f);
                for (int t = 0; t < k; t++) {
                    float weight = buf[t];
                    int from = row + t - radius;
                    for (int x = radius; x < interiorEnd; x++) buf[out + x] += weight * src[from + x];
                }
                for (int x = 0; x < radius; x++) buf[out + x] = edge(src, row, x, w, buf, k);
                for (int x = interiorEnd; x < w; x++) buf[out + x] = edge(src, row, x, w, buf, k);
            }
            // Column pass row by row (whole rows of taps at a time), which walks memory in order.
            for (int y = 0; y < h; y++) {
                int out = base + y * w;
                Arrays.fill(dst, out, out + w, 0f);
                for (int t = 0; t < k; t++) {
                    float weight = buf[t];
                    int from = k + base + reflect(y - radius + t, h) * w;
                    for (int x = 0; x < w; x++) dst[out + x] += weight * buf[from + x];
                }
                for (int x = 0; x < w; x++) dst[out + x] = Math.clamp(dst[out + x], 0f, 1f);
            }
        }
    }

    /** The row pass at a pixel near either end of a row, reading through reflect(). */
    private static float edge(float[] src, int row, int x, int w, float[] kernel, int k) {
        float acc = 0;
        for (int t = 0; t < k; t++) acc += kernel[t] * src[row + reflect(x - k / 2 + t, w)];
        return acc;
    }

    /** Mirror index i into [0, n) without repeating the edge; valid for -n < i < 2n - 1. */
    static int reflect(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * (n - 1) - i;
        return i;
    }
}
