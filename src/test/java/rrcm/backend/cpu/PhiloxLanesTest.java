package rrcm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;
import rrcm.backend.BoxMuller;
import rrcm.backend.Philox;

/**
 * The vector lanes against the scalar Philox and Box-Muller they copy: the same bits for every word,
 * including the words at the edges of each branch (the smallest and largest u, both halves of the
 * logarithm's mantissa split, every quadrant of the angle and its boundaries), and for fills of every
 * length around the lanes' runs and the tasks' boundaries.
 */
class PhiloxLanesTest {
    private static final int LANES = PhiloxLanes.BLOCKS;

    private static void assertSameBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", the scalar code gives " + want[i]);
            }
        }
    }

    @Test
    void normalsOfChosenWordsAreTheScalarOnes() {
        int[] edges = {0, 0xFF, 0x100, 0x1FF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFF00, 0xB504F300, 0xB504F400,
            (1 << 29) - 256, 1 << 29, (1 << 29) + 256, (3 << 29) - 256, 3 << 29, (5 << 29) - 256, 5 << 29, (7 << 29) - 256,
            7 << 29, 0x40000000, 0xC0000000, 0x12345678, 0x9E3779B9};
        SplittableRandom random = new SplittableRandom(20251125);
        int[] as = new int[LANES], bs = new int[LANES];
        float[] got = new float[4 * LANES], want = new float[4 * LANES];
        int cases = 0;
        for (int ea = 0; ea < edges.length + 64; ea++) {
            for (int eb = 0; eb < edges.length + 64; eb++) {
                for (int j = 0; j < LANES; j++) {
                    // lane 0 holds the chosen pair, the others random words (every lane must be right, not only one)
                    as[j] = j == 0 && ea < edges.length ? edges[ea] : random.nextInt();
                    bs[j] = j == 0 && eb < edges.length ? edges[eb] : random.nextInt();
                    int fallback = BoxMuller.needsFallback(as[j], bs[j]) ? BoxMuller.fallbackWord(5, 6, 7 + j, 0) : 0;
                    BoxMuller.normals(as[j], bs[j], fallback, want, 4 * j);
                    want[4 * j + 2] = got[4 * j + 2] = 7f; // untouched by one pair
                    want[4 * j + 3] = got[4 * j + 3] = 7f;
                }
                IntVector a = IntVector.fromArray(PhiloxLanes.I, as, 0), b = IntVector.fromArray(PhiloxLanes.I, bs, 0);
                PhiloxLanes.pair(PhiloxLanes.radiusUniform(a, b, 5, 6, 7, 0), b, got, 0);
                assertSameBits(want, got, "words " + Integer.toHexString(as[0]) + ", " + Integer.toHexString(bs[0]));
                cases++;
            }
        }
        assertEquals((edges.length + 64) * (edges.length + 64), cases);
    }

    @Test
    void blocksAreTheScalarPhiloxBlocks() {
        long[][] keys = {{0, 0, 0}, {20251125, 7, 3}, {-1, -2, 0xFFFF_FFFFL - 2}, {0x9E3779B97F4A7C15L, 0x300000005L, -3},
            {Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1}};
        int[] words = new int[4];
        for (long[] k : keys) {
            float[] normals = new float[4 * LANES], uniforms = new float[4 * LANES];
            float[] wantN = new float[4 * LANES], wantU = new float[4 * LANES];
            PhiloxLanes.normals(k[0], k[1], k[2], normals, 0);
            PhiloxLanes.uniforms(k[0], k[1], k[2], uniforms, 0);
            for (int j = 0; j < LANES; j++) {
                Philox.block(k[0], k[1], k[2] + j, words, 0);
                BoxMuller.blockNormals(k[0], k[1], k[2] + j, wantN, 4 * j);
                for (int w = 0; w < 4; w++) wantU[4 * j + w] = BoxMuller.uniform(words[w]);
            }
            String key = k[0] + "/" + k[1] + "/" + k[2];
            assertSameBits(wantN, normals, "normals " + key);
            assertSameBits(wantU, uniforms, "uniforms " + key);
        }
    }

    /** The old scalar fill, element by element: the reference of the fills below. */
    private static float[] scalarFill(int n, boolean normal, long seed, long stream, long counter, float scale, float shift) {
        float[] out = new float[n], vals = new float[4];
        int[] words = new int[4];
        for (int blk = 0; 4 * blk < n; blk++) {
            Philox.block(seed, stream, counter + blk, words, 0);
            if (normal) {
                BoxMuller.blockNormals(seed, stream, counter + blk, vals, 0);
            } else {
                for (int w = 0; w < 4; w++) vals[w] = BoxMuller.uniform(words[w]);
            }
            for (int w = 0; w < 4 && 4 * blk + w < n; w++) out[4 * blk + w] = Math.fma(vals[w], scale, shift);
        }
        return out;
    }

    @Test
    void fillsOfEveryLengthAreTheScalarFills() {
        try (Parallel par = new Parallel(2)) {
            int[] sizes = {1, 2, 3, 4, 5, 4 * LANES - 1, 4 * LANES, 4 * LANES + 1, 4 * LANES + 3, 8 * LANES + 2, 4095, 4096,
                4097, 4 * 1024 * 3 + 17};
            for (int n : sizes) {
                float[] out = new float[n];
                CpuRandom.normal(par, out, 11, 12, 0xFFFF_FFFFL - 5, 0.25f, -1.5f);
                assertSameBits(scalarFill(n, true, 11, 12, 0xFFFF_FFFFL - 5, -1.5f, 0.25f), out, "normal n=" + n);
                CpuRandom.uniform(par, out, 11, 12, 77, -3f, 5f);
                assertSameBits(scalarFill(n, false, 11, 12, 77, 8f, -3f), out, "uniform n=" + n);
            }
        }
    }

    @Test
    void noisyCopiesOfEveryWidthAreTheScalarOnes() {
        try (Parallel par = new Parallel(2)) {
            for (int pixels : new int[] {1, 3, 4 * LANES - 1, 4 * LANES, 4 * LANES + 5, 784, 3072}) {
                int stride = (pixels + 3) / 4 * 4, n = 5;
                float[] base = new float[pixels];
                for (int p = 0; p < pixels; p++) base[p] = (p % 17) * 0.1f - 0.8f;
                float[] out = new float[n * pixels];
                CpuRandom.noisyCopies(par, base, pixels, stride, n, 3, 4, 0xFFFF_FFF0L, 0.5f, out);
                float[] want = new float[n * pixels];
                for (int i = 0; i < n; i++) {
                    float[] z = scalarFill(stride, true, 3, 4, 0xFFFF_FFF0L + (long) i * stride / 4, 1f, 0f);
                    for (int p = 0; p < pixels; p++) want[i * pixels + p] = Math.fma(z[p], 0.5f, 0f) + base[p];
                }
                assertSameBits(want, out, "noisy copies of " + pixels + " pixels");
            }
        }
    }
}
