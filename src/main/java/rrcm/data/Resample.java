package rrcm.data;

import java.util.Arrays;

/**
 * Separable resampling with a triangle (bilinear) filter on CHW images in [0, 1]. When shrinking, the
 * triangle is widened by the shrink factor so that every source pixel contributes to the result
 * (antialiasing, as the antialiased bilinear resize of PIL and torchvision does); without that, a
 * 500-pixel photograph shrunk to 256 would alias. When enlarging it is plain bilinear interpolation
 * between pixel centres. Pixel centres sit at index + 0.5.
 */
final class Resample {
    private Resample() {}

    /**
     * Taps along one axis: output o reads source indices first[o] .. first[o] + count[o] - 1 with
     * weights[o * taps .. o * taps + count[o] - 1], which sum to 1.
     */
    record Axis(int[] first, int[] count, float[] weights, int taps) {
        int size() {
            return first.length;
        }

        /** One past the last source index any output reads (first[] only grows with o). */
        int end() {
            int last = first.length - 1;
            return first[last] + count[last];
        }
    }

    /**
     * Taps for outputs outFirst .. outFirst + outCount - 1 of a resize that maps the source window
     * [inStart, inStart + inLength) onto outLength samples. A window of the output (outFirst, outCount)
     * lets a resize and a centre crop of its result run as one pass.
     */
    static Axis axis(int inStart, int inLength, int outLength, int outFirst, int outCount) {
        if (inLength <= 0 || outLength <= 0 || outFirst < 0 || outCount <= 0 || outFirst + outCount > outLength) {
            throw new IllegalArgumentException("bad resample window: in " + inStart + "+" + inLength + ", out " + outFirst + "+" + outCount + " of " + outLength);
        }
        double scale = (double) inLength / outLength;
        double support = Math.max(scale, 1.0); // triangle half-width in source pixels
        int taps = (int) Math.ceil(2 * support) + 1;
        int[] first = new int[outCount];
        int[] count = new int[outCount];
        float[] weights = new float[outCount * taps];
        int inEnd = inStart + inLength;
        for (int o = 0; o < outCount; o++) {
            double center = inStart + (outFirst + o + 0.5) * scale;
            // Source pixels whose centre j + 0.5 lies strictly inside (center - support, center + support).
            int lo = Math.max(inStart, (int) Math.floor(center - support - 0.5) + 1);
            int hi = Math.min(inEnd - 1, (int) Math.ceil(center + support - 0.5) - 1);
            double sum = 0;
            for (int j = lo; j <= hi; j++) sum += 1 - Math.abs(j + 0.5 - center) / support;
            // Renormalizing at the window's edge is the same as repeating the edge pixel.
            for (int j = lo; j <= hi; j++) weights[o * taps + j - lo] = (float) ((1 - Math.abs(j + 0.5 - center) / support) / sum);
            first[o] = lo;
            count[o] = hi - lo + 1;
        }
        return new Axis(first, count, weights, taps);
    }

    /** Floats of the intermediate buffer that {@link #apply} needs. */
    static int scratchSize(int channels, Axis ys, Axis xs) {
        return channels * (ys.end() - ys.first()[0]) * xs.size();
    }

    /**
     * dst[dstOffset ..] (channels x ys.size() x xs.size()) from src (channels x srcHeight x srcWidth):
     * rows first into tmp, then columns into dst. Results are clamped to [0, 1] against float rounding.
     */
    static void apply(float[] src, int channels, int srcHeight, int srcWidth, Axis ys, Axis xs, float[] dst, int dstOffset, float[] tmp) {
        int outH = ys.size();
        int outW = xs.size();
        int rowLo = ys.first()[0];
        int rows = ys.end() - rowLo;
        int[] xFirst = xs.first();
        int[] xCount = xs.count();
        float[] xw = xs.weights();
        int xTaps = xs.taps();
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < rows; r++) {
                int in = (c * srcHeight + rowLo + r) * srcWidth;
                int out = (c * rows + r) * outW;
                for (int o = 0; o < outW; o++) {
                    int s = in + xFirst[o];
                    int w = o * xTaps;
                    float acc = 0;
                    for (int k = 0; k < xCount[o]; k++) acc += src[s + k] * xw[w + k];
                    tmp[out + o] = acc;
                }
            }
        }
        int[] yFirst = ys.first();
        int[] yCount = ys.count();
        float[] yw = ys.weights();
        int yTaps = ys.taps();
        for (int c = 0; c < channels; c++) {
            for (int o = 0; o < outH; o++) {
                int out = dstOffset + (c * outH + o) * outW;
                Arrays.fill(dst, out, out + outW, 0f);
                for (int k = 0; k < yCount[o]; k++) {
                    float w = yw[o * yTaps + k];
                    int in = (c * rows + yFirst[o] - rowLo + k) * outW;
                    for (int x = 0; x < outW; x++) dst[out + x] += w * tmp[in + x];
                }
                for (int x = 0; x < outW; x++) dst[out + x] = Math.clamp(dst[out + x], 0f, 1f);
            }
        }
    }
}
