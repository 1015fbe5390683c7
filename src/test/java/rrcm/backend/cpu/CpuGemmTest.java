package rrcm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import rrcm.backend.Gemm;
import rrcm.testing.Data;

/**
 * CpuGemm against a double-precision reference: many shapes (tile and block edges included), the four
 * transpose combinations, broadcast batches, alpha, accumulation; and bit-identical results on one
 * and two threads.
 */
class CpuGemmTest {
    /** Guard elements after C: a store outside the product would change them. */
    private static final int GUARD = 64;
    private static final float GUARD_VALUE = -12345f;

    private static Parallel one, two;

    @BeforeAll
    static void pools() {
        one = new Parallel(1);
        two = new Parallel(2);
    }

    @AfterAll
    static void closePools() {
        one.close();
        two.close();
    }

    /**
     * Every register tile there is a kernel for, whichever this machine uses: on packed panels each C
     * element is one FMA chain over K in order, the same bits as Math.fma step by step, starting from C
     * (load) or from zero. So the tile CpuTuning picks never changes a result.
     */
    @ParameterizedTest(name = "tile {0}")
    @MethodSource("tiles")
    void everyKernelTileIsTheOrderedFmaChain(String tile) {
        int mr = Integer.parseInt(tile.substring(0, tile.indexOf('x')));
        int nr = Integer.parseInt(tile.substring(tile.indexOf('x') + 1)) * CpuTuning.LANES;
        int kc = 37, ldc = nr + 5, cOff = 3, aOff = 2, bOff = 4;
        float[] ap = Data.uniform(101, aOff + mr * kc, -1, 1), bp = Data.uniform(102, bOff + nr * kc, -1, 1);
        for (boolean load : new boolean[] {true, false}) {
            float[] c = Data.uniform(103, cOff + mr * ldc, -1, 1), expected = c.clone();
            for (int r = 0; r < mr; r++) {
                for (int j = 0; j < nr; j++) {
                    float acc = load ? c[cOff + r * ldc + j] : 0f;
                    for (int p = 0; p < kc; p++) acc = Math.fma(ap[aOff + p * mr + r], bp[bOff + p * nr + j], acc);
                    expected[cOff + r * ldc + j] = acc;
                }
            }
            switch (tile) {
                case "12x2" -> CpuGemm.kernel12x2(kc, ap, aOff, bp, bOff, c, cOff, ldc, load);
                case "12x1" -> CpuGemm.kernel12x1(kc, ap, aOff, bp, bOff, c, cOff, ldc, load);
                case "6x2" -> CpuGemm.kernel6x2(kc, ap, aOff, bp, bOff, c, cOff, ldc, load);
                default -> fail("no test for tile " + tile);
            }
            assertArrayEquals(expected, c, "tile " + tile + (load ? " from C" : " from zero"));
        }
    }

    static Stream<String> tiles() {
        return CpuTuning.GEMM_TILES.stream();
    }

    /** (m, n, k): op(A) is (m, k), op(B) is (k, n). */
    static Stream<Arguments> shapes() {
        int mr = CpuGemm.MR, nr = CpuGemm.NR, kc = CpuGemm.KC;
        return Stream.of(
                Arguments.of(1, 1, 1),
                Arguments.of(1, 17, 33),
                Arguments.of(17, 1, 5),
                Arguments.of(2, 3, 4),
                Arguments.of(65, 47, 129),
                Arguments.of(3, 300, 7),
                Arguments.of(66, 66, 64),
                Arguments.of(200, 200, 200),
                Arguments.of(5, 257, 1000), // one row sliver: the columns are split between threads
                Arguments.of(mr - 1, nr + 1, kc + 1),
                Arguments.of(mr, nr, kc),
                Arguments.of(mr + 1, nr - 1, kc - 1),
                Arguments.of(2 * mr + 1, 2 * nr, 2 * kc + 3),
                Arguments.of(CpuGemm.MC + 1, CpuGemm.NC + 1, 3));
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("shapes")
    void matchesReferenceForEveryTransposition(int m, int n, int k) {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                check(new Gemm(1, m, n, k, ta, tb, 0, 0, 0, 1f, 0f), seed(m, n, k, ta, tb));
            }
        }
    }

    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3}")
    @MethodSource("batches")
    void batchesBroadcastAndAccumulate(int batch, int m, int n, int k) {
        long seed = seed(m, n, k, false, false) + 10L * batch;
        int mk = m * k, kn = k * n, mn = m * n;
        check(new Gemm(batch, m, n, k, false, false, mk, kn, mn, 1f, 0f), seed);
        check(new Gemm(batch, m, n, k, false, true, 0, kn, mn, 0.5f, 0f), seed + 1); // one A for all
        check(new Gemm(batch, m, n, k, true, false, mk, 0, mn, -1.25f, 1f), seed + 2); // one B for all
        check(new Gemm(batch, m, n, k, true, true, mk, kn, mn, 3f, 1f), seed + 3);
    }

    static Stream<Arguments> batches() {
        return Stream.of(
                Arguments.of(2, 3, 5, 7),
                Arguments.of(3, 100, 130, 90), // 3 entries on 2 threads: each entry is split instead
                Arguments.of(4, 66, 66, 64),
                Arguments.of(24, 17, 33, 16));
    }

    /**
     * The in-place path for small products gives the blocked path's bits (the same ordered FMA chain per
     * element) on every edge its kernels have: lone last rows, vectors left over after the 4-vector groups,
     * columns that fill no vector, every transposition, alpha, and beta 0 or 1.
     */
    @Test
    void smallProductsInPlaceGiveTheBlockedPathsBits() {
        int v = CpuTuning.LANES;
        for (int m : new int[] {1, 2, 3, 8, 9, 17, 66}) {
            for (int n : new int[] {1, v - 1, v, v + 1, 4 * v, 4 * v + 3, 5 * v, 6 * v + 1, 66}) {
                for (int k : new int[] {1, 7, 64}) {
                    for (int t = 0; t < 8; t++) {
                        boolean ta = (t & 1) != 0, tb = (t & 2) != 0, accumulate = (t & 4) != 0;
                        Gemm g = new Gemm(2, m, n, k, ta, tb, m * k, k * n, m * n, t == 5 ? -0.75f : 1f, accumulate ? 1f : 0f);
                        assertTrue(CpuSmallGemm.fits(g), g.toString());
                        long seed = seed(m, n, k, ta, tb) + t;
                        float[] a = Data.normal(seed, 2 * m * k), b = Data.normal(seed + 1, 2 * k * n);
                        float[] small = Data.normal(seed + 2, 2 * m * n + GUARD), blocked = small.clone();
                        for (int e = 0; e < 2; e++) {
                            CpuSmallGemm.product(g, e, a, b, small);
                            CpuGemm.product(one, g, e, a, b, blocked);
                        }
                        assertArrayEquals(blocked, small, g.toString());
                    }
                }
            }
        }
    }

    @Test
    void alphaScalesAndBetaOneAccumulates() {
        check(new Gemm(1, 70, 90, 300, false, false, 0, 0, 0, 0.75f, 1f), 11);
        check(new Gemm(1, 70, 90, 300, true, true, 0, 0, 0, -2f, 0f), 12);
    }

    /**
     * Runs g on one and two threads from random inputs (C pre-filled with NaN when beta is 0) and
     * compares with the reference. Tolerance: each C element is a sum of k float32 products formed
     * with fused multiply-adds, plus alpha's rounding in the packed A and the old C term; the classic
     * bound on such a sum's error is about (k + 2) * 2^-24 times the sum of the magnitudes of its
     * terms. Twice that is used, so a missing or doubled term (a relative change of order 1/k of the
     * magnitude sum, far above k * 2^-24) is still caught.
     */
    private static void check(Gemm g, long seed) {
        int m = g.m(), n = g.n(), k = g.k();
        float[] a = Data.normal(seed, extent(g.batch(), g.strideA(), m * k));
        float[] b = Data.normal(seed + 100, extent(g.batch(), g.strideB(), k * n));
        int cSize = extent(g.batch(), g.strideC(), m * n);
        float[] c0 = g.beta() == 0f ? filled(cSize, Float.NaN) : Data.normal(seed + 200, cSize);
        c0 = Arrays.copyOf(c0, cSize + GUARD);
        Arrays.fill(c0, cSize, cSize + GUARD, GUARD_VALUE);

        float[] c1 = c0.clone(), c2 = c0.clone();
        CpuGemm.gemm(one, g, a, b, c1);
        CpuGemm.gemm(two, g, a, b, c2);
        assertArrayEquals(c1, c2, "1 and 2 threads must give bit-identical results for " + g);

        double tol = 2 * (k + 2) * 0x1p-24;
        for (int e = 0; e < g.batch(); e++) {
            int oa = e * g.strideA(), ob = e * g.strideB(), oc = e * g.strideC();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double x = g.transA() ? a[oa + p * m + i] : a[oa + i * k + p];
                        double y = g.transB() ? b[ob + j * k + p] : b[ob + p * n + j];
                        sum += x * y;
                        mag += Math.abs(x * y);
                    }
                    double old = g.beta() == 0f ? 0 : c0[oc + i * n + j];
                    double ref = g.alpha() * sum + old;
                    double bound = tol * (Math.abs(g.alpha()) * mag + Math.abs(old));
                    float got = c1[oc + i * n + j];
                    if (!(Math.abs(got - ref) <= bound)) {
                        fail(g + ": batch " + e + " C[" + i + "][" + j + "] = " + got + ", reference " + ref
                                + ", allowed error " + bound);
                    }
                }
            }
        }
        for (int i = cSize; i < cSize + GUARD; i++) assertEquals(GUARD_VALUE, c1[i], "store past C's end at " + i);
    }

    private static int extent(int batch, int stride, int matrix) {
        return (batch - 1) * stride + matrix;
    }

    private static long seed(int m, int n, int k, boolean ta, boolean tb) {
        return ((m * 31L + n) * 31 + k) * 4 + (ta ? 2 : 0) + (tb ? 1 : 0);
    }

    private static float[] filled(int n, float v) {
        float[] x = new float[n];
        Arrays.fill(x, v);
        return x;
    }
}
