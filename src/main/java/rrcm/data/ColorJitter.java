package rrcm.data;

import java.util.random.RandomGenerator;

/**
 * Random brightness, contrast, saturation and hue changes, applied in a random order, as
 * torchvision's ColorJitter does: brightness scales values by b, contrast blends with the mean
 * luma by c, saturation blends each pixel with its own luma by s (b, c, s uniform in
 * [max(0, 1 - x), 1 + x]), and hue rotates the HSV hue by h uniform in [-hue, hue] turns. On a
 * one-channel image only brightness and contrast apply; there is no colour to change.
 */
public record ColorJitter(double brightness, double contrast, double saturation, double hue) implements Transform {
    // ITU-R BT.601 luma, the weights PIL and torchvision use for grayscale.
    static final float LUMA_R = 0.299f;
    static final float LUMA_G = 0.587f;
    static final float LUMA_B = 0.114f;

    private static final int BRIGHTNESS = 0;
    private static final int CONTRAST = 1;
    private static final int SATURATION = 2;
    private static final int HUE = 3;

    public ColorJitter {
        if (brightness < 0 || contrast < 0 || saturation < 0) throw new IllegalArgumentException("color jitter strengths must be >= 0");
        if (hue < 0 || hue > 0.5) throw new IllegalArgumentException("hue jitter must be in [0, 0.5], got " + hue);
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
        if (in.channels() != 1 && in.channels() != 3) throw new IllegalArgumentException("color jitter needs 1 or 3 channels, got " + in);
        return in;
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        int n = in.size();
        System.arraycopy(src, 0, dst, 0, n);
        int ops = in.channels() == 3 ? 4 : 2;
        int[] order = {BRIGHTNESS, CONTRAST, SATURATION, HUE};
        for (int i = ops - 1; i > 0; i--) { // Fisher-Yates over the ops that apply
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = factor(rng, brightness);
        double c = factor(rng, contrast);
        double s = ops == 4 ? factor(rng, saturation) : 1;
        double h = ops == 4 && hue > 0 ? RandomResizedCrop.uniform(rng, -hue, hue) : 0;
        for (int k = 0; k < ops; k++) {
            switch (order[k]) {
                case BRIGHTNESS -> { if (b != 1) brightness(dst, n, (float) b); }
                case CONTRAST -> { if (c != 1) contrast(dst, in, (float) c); }
                case SATURATION -> { if (s != 1) saturation(dst, in.plane(), (float) s); }
                case HUE -> { if (h != 0) hue(dst, in.plane(), (float) h); }
                default -> throw new IllegalStateException();
            }
        }
    }

    /** Uniform in [max(0, 1 - x), 1 + x]; 1 (no change) when x is 0. */
    private static double factor(RandomGenerator rng, double x) {
        return x == 0 ? 1 : RandomResizedCrop.uniform(rng, Math.max(0, 1 - x), 1 + x);
    }

    private static void brightness(float[] img, int n, float f) {
        for (int i = 0; i < n; i++) img[i] = Math.min(1f, img[i] * f);
    }

    private static void contrast(float[] img, ImageShape shape, float f) {
        int plane = shape.plane();
        double sum = 0;
        if (shape.channels() == 3) {
            for (int i = 0; i < plane; i++) sum += LUMA_R * img[i] + LUMA_G * img[plane + i] + LUMA_B * img[2 * plane + i];
        } else {
            for (int i = 0; i < plane; i++) sum += img[i];
        }
        float offset = (float) ((1 - f) * (sum / plane));
        int n = shape.size();
        for (int i = 0; i < n; i++) img[i] = Math.clamp(f * img[i] + offset, 0f, 1f);
    }

    private static void saturation(float[] img, int plane, float f) {
        for (int i = 0; i < plane; i++) {
            float r = img[i];
            float g = img[plane + i];
            float b = img[2 * plane + i];
            float gray = (1 - f) * (LUMA_R * r + LUMA_G * g + LUMA_B * b);
            img[i] = Math.clamp(f * r + gray, 0f, 1f);
            img[plane + i] = Math.clamp(f * g + gray, 0f, 1f);
            img[2 * plane + i] = Math.clamp(f * b + gray, 0f, 1f);
        }
    }

    /** Rotates the hue of every pixel by {@code shift} turns through RGB -> HSV -> RGB. */
    static void hue(float[] img, int plane, float shift) {
        for (int i = 0; i < plane; i++) {
            float r = img[i];
            float g = img[plane + i];
            float b = img[2 * plane + i];
            float max = Math.max(r, Math.max(g, b));
            float min = Math.min(r, Math.min(g, b));
            float delta = max - min;
            if (delta <= 0) continue; // gray pixel: no hue to rotate
            float h;
            if (max == r) h = (g - b) / delta;
            else if (max == g) h = 2 + (b - r) / delta;
            else h = 4 + (r - g) / delta;
            h = h / 6 + shift;
            h -= (float) Math.floor(h); // wrap to [0, 1)
            float s = delta / max;
            float v = max;
            float h6 = h * 6;
            int sector = Math.min(5, (int) h6);
            float frac = h6 - sector;
            float p = v * (1 - s);
            float q = v * (1 - s * frac);
            float t = v * (1 - s * (1 - frac));
            switch (sector) {
                case 0 -> { r = v; g = t; b = p; }
                case 1 -> { r = q; g = v; b = p; }
                case 2 -> { r = p; g = v; b = t; }
                case 3 -> { r = p; g = q; b = v; }
                case 4 -> { r = t; g = p; b = v; }
                default -> { r = v; g = p; b = q; }
            }
            img[i] = Math.clamp(r, 0f, 1f);
            img[plane + i] = Math.clamp(g, 0f, 1f);
            img[2 * plane + i] = Math.clamp(b, 0f, 1f);
        }
    }
}
