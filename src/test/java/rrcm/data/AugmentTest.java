package rrcm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentTest {
    private static final ImageShape RGB32 = new ImageShape(3, 32, 32);
    private static final ImageShape GRAY28 = new ImageShape(1, 28, 28);

    private static float[] image(ImageShape shape, long seed) {
        float[] x = new float[shape.size()];
        var rng = new SplittableRandom(seed);
        // Smooth structure plus noise, so crops, blurs and flips all change something.
        for (int c = 0; c < shape.channels(); c++)
            for (int y = 0; y < shape.height(); y++)
                for (int x0 = 0; x0 < shape.width(); x0++)
                    x[(c * shape.height() + y) * shape.width() + x0] =
                            (float) Math.clamp(0.5 + 0.3 * Math.sin(0.3 * x0 + c) * Math.cos(0.2 * y) + 0.2 * (rng.nextDouble() - 0.5), 0, 1);
        return x;
    }

    private static void assertInUnitRange(float[] x) {
        for (float v : x) assertTrue(v >= 0f && v <= 1f, "value out of [0, 1]: " + v);
    }

    @Test
    void pipelinesHaveFixedShapesAndStayInRange() {
        for (ImageShape in : List.of(RGB32, GRAY28)) {
            int side = in.height();
            for (Augment pipeline : List.of(Augment.viewA(side), Augment.viewB(side), Augment.weak(side), Augment.eval(side), Augment.none())) {
                ImageShape out = pipeline.outputShape(in);
                assertEquals(in, out, pipeline + " on " + in);
                var scratch = new Scratch();
                float[] dst = new float[out.size()];
                for (int s = 0; s < 20; s++) {
                    pipeline.apply(image(in, s), in, dst, new SplittableRandom(s), scratch);
                    assertInUnitRange(dst);
                }
            }
        }
        assertEquals(new ImageShape(3, 24, 24), Augment.viewA(24).outputShape(RGB32));
        assertEquals(new ImageShape(1, 16, 16), Augment.weak(16).outputShape(GRAY28));
    }

    @Test
    void equalSeedsGiveEqualResults() {
        float[] x = image(RGB32, 3);
        for (Augment pipeline : List.of(Augment.viewA(32), Augment.viewB(32), Augment.weak(32))) {
            float[] a = pipeline.apply(x, RGB32, new SplittableRandom(42));
            float[] b = pipeline.apply(x, RGB32, new SplittableRandom(42));
            assertArrayEquals(a, b);
            // A reused scratch gives the same bits as a fresh one.
            var scratch = new Scratch();
            float[] c = new float[RGB32.size()];
            pipeline.apply(image(RGB32, 9), RGB32, c, new SplittableRandom(1), scratch);
            pipeline.apply(x, RGB32, c, new SplittableRandom(42), scratch);
            assertArrayEquals(a, c);
        }
        float[] a = Augment.viewA(32).apply(x, RGB32, new SplittableRandom(1));
        float[] b = Augment.viewA(32).apply(x, RGB32, new SplittableRandom(2));
        assertFalse(Arrays.equals(a, b), "different seeds should give different views");
    }

    @Test
    void inputIsLeftUnchanged() {
        float[] x = image(RGB32, 5);
        float[] copy = x.clone();
        Augment.viewB(32).apply(x, RGB32, new SplittableRandom(5));
        assertArrayEquals(copy, x);
    }

    @Test
    void flipTwiceIsIdentity() {
        float[] x = image(RGB32, 1);
        var flip = new HorizontalFlip();
        float[] once = flip.apply(x, RGB32, new SplittableRandom(0));
        assertEquals(x[5], once[31 - 5]);
        assertEquals(x[2 * 1024 + 32 * 7 + 3], once[2 * 1024 + 32 * 7 + 28]);
        assertArrayEquals(x, flip.apply(once, RGB32, new SplittableRandom(0)));
    }

    @Test
    void solarizeInvertsAtAndAboveTheThreshold() {
        float[] x = {0f, 0.25f, 0.4999f, 0.5f, 0.75f, 1f};
        var shape = new ImageShape(1, 1, 6);
        assertArrayEquals(new float[] {0f, 0.25f, 0.4999f, 0.5f, 0.25f, 0f}, new Solarize(0.5f).apply(x, shape, new SplittableRandom(0)));
    }

    @Test
    void blurKeepsAConstantImageAndItsMean() {
        float[] x = new float[RGB32.size()];
        Arrays.fill(x, 0.37f);
        var blur = GaussianBlur.forImageSize(32);
        for (int s = 0; s < 10; s++) {
            float[] y = blur.apply(x, RGB32, new SplittableRandom(s));
            for (float v : y) assertEquals(0.37f, v, 1e-6f);
        }
        // Narrower than the kernel: every pixel goes through the reflected edge path.
        var narrow = new ImageShape(1, 3, 3);
        float[] c = new float[9];
        Arrays.fill(c, 0.8f);
        for (float v : new GaussianBlur(5, 1, 1).apply(c, narrow, new SplittableRandom(0))) assertEquals(0.8f, v, 1e-6f);
        // With reflect padding a non-constant image keeps its mean only roughly; a large blur smooths.
        float[] z = image(RGB32, 2);
        float[] y = new GaussianBlur(9, 2, 2).apply(z, RGB32, new SplittableRandom(0));
        assertEquals(mean(z), mean(y), 0.01);
        assertTrue(variance(y) < variance(z), "blur should reduce variance");
    }

    @Test
    void blurKernelSizes() {
        assertEquals(3, GaussianBlur.forImageSize(28).kernelSize());
        assertEquals(3, GaussianBlur.forImageSize(32).kernelSize());
        assertEquals(23, GaussianBlur.forImageSize(224).kernelSize());
        assertEquals(1, GaussianBlur.reflect(-1, 5));
        assertEquals(3, GaussianBlur.reflect(5, 5));
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(23, 0.1, 2).outputShape(new ImageShape(1, 8, 8)));
    }

    @Test
    void cropBoxesFollowTheScaleAndRatioRanges() {
        var crop = new RandomResizedCrop(32);
        var rng = new SplittableRandom(123);
        int n = 4000;
        double sumScale = 0;
        for (int i = 0; i < n; i++) {
            var box = crop.sample(32, 32, rng);
            assertTrue(box.top() >= 0 && box.left() >= 0 && box.top() + box.height() <= 32 && box.left() + box.width() <= 32, box.toString());
            double scale = box.height() * box.width() / 1024.0;
            double ratio = (double) box.width() / box.height();
            // Rounding to whole pixels widens the ranges slightly at 32 pixels.
            assertTrue(scale > 0.05 && scale <= 1, "scale " + scale);
            assertTrue(ratio > 0.6 && ratio < 1.6, "ratio " + ratio);
            sumScale += scale;
        }
        // Uniform scale in [0.08, 1] has mean 0.54; boxes that do not fit are redrawn, which lowers it a little.
        double meanScale = sumScale / n;
        assertTrue(meanScale > 0.45 && meanScale < 0.56, "mean crop scale " + meanScale);
    }

    @Test
    void cropFallsBackToTheCentre() {
        // No box with ratio in [3/4, 4/3] and scale >= 0.9 fits a 10x100 strip: the fallback is the centred 10x13.
        var crop = new RandomResizedCrop(8, 0.9, 1.0, 3.0 / 4, 4.0 / 3);
        var box = crop.sample(10, 100, new SplittableRandom(0));
        assertEquals(new RandomResizedCrop.Box(0, 43, 10, 13), box);
    }

    @Test
    void resampleIsExactAtScaleOneAndAveragesWhenShrinking() {
        float[] x = image(RGB32, 4);
        var ys = Resample.axis(0, 32, 32, 0, 32);
        float[] y = new float[x.length];
        Resample.apply(x, 3, 32, 32, ys, ys, y, 0, new float[Resample.scratchSize(3, ys, ys)]);
        assertArrayEquals(x, y);
        // Halving a 1-pixel checkerboard gives its mean everywhere (a bilinear resize without antialiasing would alias).
        var shape = new ImageShape(1, 16, 16);
        float[] board = new float[shape.size()];
        for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) board[i * 16 + j] = (i + j) % 2;
        float[] half = new Resize(8).apply(board, shape, new SplittableRandom(0));
        for (int i = 1; i < 7; i++) for (int j = 1; j < 7; j++) assertEquals(0.5f, half[i * 8 + j], 1e-6f);
    }

    @Test
    void resizeAndCenterCropShapes() {
        assertEquals(new ImageShape(3, 36, 48), new Resize(36).outputShape(new ImageShape(3, 30, 40)));
        assertEquals(new ImageShape(3, 53, 40), new Resize(40).outputShape(new ImageShape(3, 40, 30)));
        var in = new ImageShape(1, 5, 6);
        float[] x = new float[30];
        for (int i = 0; i < 30; i++) x[i] = i / 30f;
        // (5 - 2) / 2 = 1.5 and (6 - 2) / 2 = 2: rows from 2 (half to even), columns from 2.
        assertArrayEquals(new float[] {14 / 30f, 15 / 30f, 20 / 30f, 21 / 30f}, new CenterCrop(2).apply(x, in, new SplittableRandom(0)));
        assertThrows(IllegalArgumentException.class, () -> new CenterCrop(32).outputShape(GRAY28));
    }

    @Test
    void grayscaleAndJitterRespectChannels() {
        float[] x = image(RGB32, 6);
        float[] g = new Grayscale().apply(x, RGB32, new SplittableRandom(0));
        for (int p = 0; p < 1024; p++) {
            assertEquals(0.299f * x[p] + 0.587f * x[1024 + p] + 0.114f * x[2048 + p], g[p], 1e-6f);
            assertEquals(g[p], g[1024 + p]);
            assertEquals(g[p], g[2048 + p]);
        }
        float[] one = image(GRAY28, 6);
        assertArrayEquals(one, new Grayscale().apply(one, GRAY28, new SplittableRandom(0)));
        // On one channel, jitter is brightness and contrast: a monotone map of the values.
        var jitter = new ColorJitter(0.4, 0.4, 0.2, 0.1);
        float[] j = jitter.apply(one, GRAY28, new SplittableRandom(3));
        assertInUnitRange(j);
        for (int a = 0; a < one.length; a += 13)
            for (int b = 0; b < one.length; b += 17)
                if (one[a] < one[b]) assertTrue(j[a] <= j[b] + 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> jitter.outputShape(new ImageShape(2, 4, 4)));
    }

    @Test
    void hueRotatesColours() {
        float[] red = {1f, 0f, 0f};
        ColorJitter.hue(red, 1, 1f / 3);
        assertArrayEquals(new float[] {0f, 1f, 0f}, red, 1e-6f);
        float[] gray = {0.4f, 0.4f, 0.4f};
        ColorJitter.hue(gray, 1, 0.25f);
        assertArrayEquals(new float[] {0.4f, 0.4f, 0.4f}, gray);
        float[] c = {0.2f, 0.7f, 0.5f};
        ColorJitter.hue(c, 1, 1f); // a full turn
        assertArrayEquals(new float[] {0.2f, 0.7f, 0.5f}, c, 1e-6f);
    }

    @Test
    void randomApplyKeepsShapeAndRate() {
        var flip = new RandomApply(0.5, new HorizontalFlip());
        float[] x = image(RGB32, 8);
        var rng = new SplittableRandom(10);
        int flipped = 0;
        for (int i = 0; i < 1000; i++) if (!Arrays.equals(x, flip.apply(x, RGB32, rng))) flipped++;
        assertTrue(flipped > 430 && flipped < 570, "flipped " + flipped + " of 1000");
        assertThrows(IllegalArgumentException.class, () -> new RandomApply(0.5, new CenterCrop(8)).outputShape(RGB32));
    }

    private static double mean(float[] x) {
        double s = 0;
        for (float v : x) s += v;
        return s / x.length;
    }

    private static double variance(float[] x) {
        double m = mean(x);
        double s = 0;
        for (float v : x) s += (v - m) * (v - m);
        return s / x.length;
    }
}
