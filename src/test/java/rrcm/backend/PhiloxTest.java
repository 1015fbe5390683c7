package rrcm.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import rrcm.backend.cpu.CpuBackend;

/** Philox4x32-10 known answers, the Gaussian transform's accuracy and distribution, and reproducibility. */
class PhiloxTest {
    private static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        int[] out = new int[4];
        Philox.block(c0, c1, c2, c3, k0, k1, out, 0);
        return out;
    }

    /** The known-answer vectors published with Random123 (Salmon et al., SC'11), kat_vectors. */
    @Test
    void knownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, block(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                block(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void seedStreamAndCounterFillTheKeyAndCounterWords() {
        int[] viaLongs = new int[4];
        Philox.block(0x299f31d0_a4093822L, 0x03707344_13198a2eL, 0x85a308d3_243f6a88L, viaLongs, 0);
        assertArrayEquals(block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0), viaLongs);
    }

    /**
     * The one-pass noise injection is randomNormal of (n, stride) with mean 0, narrowed to the pixels and
     * added to the base, to the bit: certification results do not depend on which of the two runs.
     */
    @Test
    void noisyCopiesAreNormalsNarrowedAndAddedToTheBase() {
        try (CpuBackend be = new CpuBackend(2)) {
            for (int pixels : new int[] {1, 7, 8, 13}) {
                int stride = (pixels + 3) / 4 * 4, n = 5;
                float[] base = new float[pixels];
                for (int p = 0; p < pixels; p++) base[p] = 0.37f * p - 1.1f;
                Storage noise = be.allocate(DType.F32, n * stride);
                be.random().normal(noise, 42, 9, 1000, 0f, 0.7f);
                float[] z = new float[n * stride];
                be.download(noise, z);
                float[] want = new float[n * pixels];
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < pixels; p++) want[i * pixels + p] = z[i * stride + p] + base[p];
                }
                Storage out = be.allocate(DType.F32, n * pixels);
                be.random().noisyCopies(be.upload(base), pixels, stride, n, 42, 9, 1000, 0.7f, out);
                float[] got = new float[n * pixels];
                be.download(out, got);
                assertArrayEquals(want, got, "pixels " + pixels);
            }
        }
    }

    @Test
    void ownLogarithmIsAccurateOnTheUnitInterval() {
        double worst = 0;
        for (int k = 1; k <= 1 << 24; k += 97) {
            float u = k * 0x1p-24f;
            double exact = Math.log(u);
            double err = Math.abs(BoxMuller.logUnit(u) - exact) / Math.max(Math.abs(exact), 1e-30);
            if (k != 1 << 24) worst = Math.max(worst, err);
        }
        assertEquals(0f, BoxMuller.logUnit(1f));
        assertTrue(worst < 4e-7, "worst relative error of ln " + worst);
    }

    /**
     * The radius's uniform takes 40 bits of its pair, or 32 more from the fallback word when those are all zero,
     * so it reaches 2^-73 (radius 10.06, the Gaussian mass beyond it 1e-22 per pair) and 1 (radius 0); away from
     * the fallback it is (2X + 1) / 2^41 correctly rounded to float.
     */
    @Test
    void theRadiusUniformReachesTwoToTheMinus73AndIsCorrectlyRounded() {
        assertEquals(0x1p-73f, BoxMuller.radiusUniform(0, 0, 0));
        assertEquals(0x1p-40f, BoxMuller.radiusUniform(0, 0x1200, -1), "(2^33 - 1) / 2^73 rounds to 2^-40");
        assertEquals(3 * 0x1p-41f, BoxMuller.radiusUniform(0, 1, 12345), "X = 1: the fallback word is not read");
        assertEquals(1f, BoxMuller.radiusUniform(-1, 0xFF, 0), "(2^41 - 1) / 2^41 rounds to 1: radius 0");
        assertTrue(BoxMuller.needsFallback(0, 0xABCDEF00) && !BoxMuller.needsFallback(0, 0xABCDEF01)
                && !BoxMuller.needsFallback(1, 0));
        java.util.SplittableRandom r = new java.util.SplittableRandom(73);
        for (int i = 0; i < 100_000; i++) {
            int a = i < 50_000 ? r.nextInt() : r.nextInt(1 << (i % 24 + 1)), b = r.nextInt();
            if (BoxMuller.needsFallback(a, b)) continue;
            java.math.BigDecimal exact = java.math.BigDecimal.valueOf(2 * (((a & 0xFFFF_FFFFL) << 8) | (b & 0xFF)) + 1)
                    .divide(java.math.BigDecimal.valueOf(2).pow(41));
            assertEquals(exact.floatValue(), BoxMuller.radiusUniform(a, b, 0), "words " + a + ", " + b);
        }
        float[] z = new float[2];
        for (int i = 0; i < 20_000; i++) { // the float normals against Box-Muller in double on the same u and angle
            int a = r.nextInt(), b = r.nextInt(), f = r.nextInt();
            if (i % 4 == 0) a = r.nextInt(1 << (i % 32));
            double u = BoxMuller.radiusUniform(a, b, f), angle = 2 * Math.PI * ((b >>> 8) * 0x1p-24);
            double rr = Math.sqrt(-2 * Math.log(u));
            BoxMuller.normals(a, b, f, z, 0);
            assertEquals(rr * Math.cos(angle), z[0], 2e-6 * (1 + rr), "cosine of words " + a + ", " + b);
            assertEquals(rr * Math.sin(angle), z[1], 2e-6 * (1 + rr), "sine of words " + a + ", " + b);
        }
        BoxMuller.normals(0, 0x4000_0000, 0, z, 0); // u = 2^-73, a quarter turn: (0, r)
        double radius = Math.sqrt(146 * Math.log(2));
        assertEquals(radius, Math.hypot(z[0], z[1]), 1e-5 * radius);
        for (int e = 25; e <= 73; e++) { // the logarithm below the old 2^-24 floor
            float u = 0x1.6a09e6p0f * (float) Math.pow(2, -e);
            assertEquals(Math.log(u), BoxMuller.logUnit(u), 4e-7 * e);
        }
    }

    @Test
    void normalsHaveGaussianMomentsAndTails() {
        int n = 1 << 20;
        float[] z = new float[n];
        try (CpuBackend be = new CpuBackend(2)) {
            Storage s = be.allocate(DType.F32, n);
            be.random().normal(s, 1234, 0, 0, 0f, 1f);
            be.download(s, z);
        }
        double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
        int beyond2 = 0;
        for (float v : z) {
            m1 += v;
            m2 += v * v;
            m3 += v * v * v;
            m4 += (double) v * v * v * v;
            if (Math.abs(v) > 2) beyond2++;
        }
        m1 /= n;
        m2 /= n;
        m3 /= n;
        m4 /= n;
        // standard errors at n = 2^20: mean 1e-3, variance 1.4e-3, skew 2.4e-3, kurtosis 1e-2; bounds at 5 of them
        assertEquals(0, m1, 5e-3);
        assertEquals(1, m2, 7e-3);
        assertEquals(0, m3, 1.2e-2);
        assertEquals(3, m4, 5e-2);
        // P(|Z| > 2) = 0.0455
        assertEquals(0.0455, (double) beyond2 / n, 1.5e-3);
    }

    @Test
    void drawsDoNotDependOnTheThreadCount() {
        int n = 100_003;
        float[] one = new float[n], two = new float[n];
        try (CpuBackend a = new CpuBackend(1); CpuBackend b = new CpuBackend(2)) {
            Storage sa = a.allocate(DType.F32, n), sb = b.allocate(DType.F32, n);
            a.random().normal(sa, 7, 3, 1000, 0.5f, 2f);
            b.random().normal(sb, 7, 3, 1000, 0.5f, 2f);
            a.download(sa, one);
            b.download(sb, two);
        }
        assertArrayEquals(one, two);
    }

    @Test
    void elementsComeFromTheirOwnBlockAndLane() {
        // element i of a draw at counter c is lane i % 4 of block c + i / 4: a later slice equals a shifted draw
        try (CpuBackend be = new CpuBackend(1)) {
            Storage whole = be.allocate(DType.F32, 12), tail = be.allocate(DType.F32, 4);
            be.random().uniform(whole, 99, 1, 10, 0f, 1f);
            be.random().uniform(tail, 99, 1, 12, 0f, 1f);
            float[] w = new float[12], t = new float[4];
            be.download(whole, w);
            be.download(tail, t);
            assertArrayEquals(java.util.Arrays.copyOfRange(w, 8, 12), t);
            for (float v : w) assertTrue(v >= 0 && v < 1);
        }
    }
}
