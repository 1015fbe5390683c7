package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.Gemm;

/**
 * One small product of a batch (attention-sized: a few dozen rows, K and N up to a few hundred) on one
 * thread, without packing. {@link CpuGemm}'s blocked path copies both operands into register-shaped
 * slivers before it multiplies; at 66 x 64 x 66 those copies cost a third as much as the product, and
 * its 12-row tiles waste rows and columns of C on such shapes. Here A is read in place, row by row, and
 * B in place, a row of vectors at a time; only a transposed or scaled operand is copied once, into the
 * layout the kernels read.
 *
 * <p>Columns of C go in groups of four vectors (two rows by four vectors: eight sums, four B vectors
 * and two broadcasts, which fit AVX2's sixteen registers); the vectors left over after the last group,
 * and the last columns that fill no vector (copied from B into a zero-padded strip), go eight rows at a
 * time by one vector, so that either kernel keeps eight FMA chains in flight. Every element of C is one
 * FMA chain over K in ascending order from zero (or from C when beta is 1), the same chain as the
 * blocked path's, so a product has the same bits whichever path runs it.
 */
final class CpuSmallGemm {
    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int V = S.length();

    private CpuSmallGemm() {}

    /** Whether product shapes like g's take this path: K and B small enough to stay in the L1/L2 caches. */
    static boolean fits(Gemm g) {
        return (long) g.k() * g.n() <= CpuTuning.GEMM_DIRECT && g.k() <= CpuTuning.GEMM_KC;
    }

    /** A thread's copies: A scaled or transposed, B transposed, the last columns of B and of C. */
    private static final class Space {
        float[] a = new float[0], b = new float[0], bTail = new float[0], cTail = new float[0];

        static float[] grow(float[] x, int size) {
            return x.length < size ? new float[size] : x;
        }
    }

    private static final ThreadLocal<Space> SPACE = ThreadLocal.withInitial(Space::new);

    /** Batch entry e of g on the calling thread. */
    static void product(Gemm g, int e, float[] a, float[] b, float[] c) {
        int m = g.m(), n = g.n(), k = g.k();
        int offA = e * g.strideA(), offB = e * g.strideB(), offC = e * g.strideC();
        boolean load = g.beta() == 1f;
        Space sp = SPACE.get();
        // A as m rows of k, alpha folded in as the blocked path folds it (one rounding: alpha * a)
        if (g.transA() || g.alpha() != 1f) {
            float alpha = g.alpha();
            float[] as = sp.a = Space.grow(sp.a, m * k);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) as[i * k + p] = alpha * (g.transA() ? a[offA + p * m + i] : a[offA + i * k + p]);
            }
            a = as;
            offA = 0;
        }
        if (g.transB()) {
            float[] bs = sp.b = Space.grow(sp.b, k * n);
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) bs[p * n + j] = b[offB + j * k + p];
            }
            b = bs;
            offB = 0;
        }
        int vectors = n / V, groups = vectors / 4;
        for (int gi = 0; gi < groups; gi++) {
            int j = gi * 4 * V;
            for (int i = 0; i < m; i += 2) {
                int i1 = Math.min(i + 1, m - 1);
                rows2x4(k, a, offA + i * k, offA + i1 * k, b, offB + j, n, c, offC + i * n + j, offC + i1 * n + j,
                        i1 > i, load);
            }
        }
        for (int v = groups * 4; v < vectors; v++) {
            int j = v * V;
            for (int i = 0; i < m; i += 8) rows8x1(k, a, offA, i, m, b, offB + j, n, c, offC + j, n, load);
        }
        int tail = n - vectors * V;
        if (tail > 0) {
            // the last columns through a strip V wide: B's zero-padded, C's copied in (beta = 1) and out
            int j0 = vectors * V;
            float[] bt = sp.bTail = Space.grow(sp.bTail, k * V), ct = sp.cTail = Space.grow(sp.cTail, m * V);
            for (int p = 0; p < k; p++) {
                for (int t = 0; t < V; t++) bt[p * V + t] = t < tail ? b[offB + p * n + j0 + t] : 0f;
            }
            if (load) {
                for (int i = 0; i < m; i++) System.arraycopy(c, offC + i * n + j0, ct, i * V, tail);
            }
            for (int i = 0; i < m; i += 8) rows8x1(k, a, offA, i, m, bt, 0, V, ct, 0, V, load);
            for (int i = 0; i < m; i++) System.arraycopy(ct, i * V, c, offC + i * n + j0, tail);
        }
    }

    /**
     * Rows a0 and a1 of A (k values each) times four vectors of B's columns (row stride ldb) into C at c0
     * and c1; the second row is stored only when two is set (a lone last row runs as its own twin).
     */
    static void rows2x4(int k, float[] a, int a0, int a1, float[] b, int bOff, int ldb, float[] c, int c0, int c1,
                        boolean two, boolean load) {
        FloatVector x0, x1, x2, x3, y0, y1, y2, y3;
        if (load) {
            x0 = FloatVector.fromArray(S, c, c0);
            x1 = FloatVector.fromArray(S, c, c0 + V);
            x2 = FloatVector.fromArray(S, c, c0 + 2 * V);
            x3 = FloatVector.fromArray(S, c, c0 + 3 * V);
            y0 = FloatVector.fromArray(S, c, c1);
            y1 = FloatVector.fromArray(S, c, c1 + V);
            y2 = FloatVector.fromArray(S, c, c1 + 2 * V);
            y3 = FloatVector.fromArray(S, c, c1 + 3 * V);
        } else {
            x0 = x1 = x2 = x3 = y0 = y1 = y2 = y3 = FloatVector.zero(S);
        }
        for (int p = 0, bi = bOff; p < k; p++, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * V);
            FloatVector r = FloatVector.broadcast(S, a[a0 + p]);
            x0 = r.fma(b0, x0);
            x1 = r.fma(b1, x1);
            x2 = r.fma(b2, x2);
            x3 = r.fma(b3, x3);
            FloatVector s = FloatVector.broadcast(S, a[a1 + p]);
            y0 = s.fma(b0, y0);
            y1 = s.fma(b1, y1);
            y2 = s.fma(b2, y2);
            y3 = s.fma(b3, y3);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + V);
        x2.intoArray(c, c0 + 2 * V);
        x3.intoArray(c, c0 + 3 * V);
        if (two) {
            y0.intoArray(c, c1);
            y1.intoArray(c, c1 + V);
            y2.intoArray(c, c1 + 2 * V);
            y3.intoArray(c, c1 + 3 * V);
        }
    }

    /**
     * Rows i..i+8 of A (m rows of k from aOff; rows past m run as copies of row i and are not stored)
     * times one vector of B's columns (row stride ldb) into C (row stride ldc).
     */
    static void rows8x1(int k, float[] a, int aOff, int i, int m, float[] b, int bOff, int ldb, float[] c, int cOff,
                        int ldc, boolean load) {
        int rows = Math.min(8, m - i);
        int r0 = aOff + i * k;
        int r1 = rows > 1 ? r0 + k : r0, r2 = rows > 2 ? r0 + 2 * k : r0, r3 = rows > 3 ? r0 + 3 * k : r0;
        int r4 = rows > 4 ? r0 + 4 * k : r0, r5 = rows > 5 ? r0 + 5 * k : r0, r6 = rows > 6 ? r0 + 6 * k : r0;
        int r7 = rows > 7 ? r0 + 7 * k : r0;
        int c0 = cOff + i * ldc;
        FloatVector s0, s1, s2, s3, s4, s5, s6, s7;
        s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = FloatVector.zero(S);
        if (load) {
            s0 = FloatVector.fromArray(S, c, c0);
            if (rows > 1) s1 = FloatVector.fromArray(S, c, c0 + ldc);
            if (rows > 2) s2 = FloatVector.fromArray(S, c, c0 + 2 * ldc);
            if (rows > 3) s3 = FloatVector.fromArray(S, c, c0 + 3 * ldc);
            if (rows > 4) s4 = FloatVector.fromArray(S, c, c0 + 4 * ldc);
            if (rows > 5) s5 = FloatVector.fromArray(S, c, c0 + 5 * ldc);
            if (rows > 6) s6 = FloatVector.fromArray(S, c, c0 + 6 * ldc);
            if (rows > 7) s7 = FloatVector.fromArray(S, c, c0 + 7 * ldc);
        }
        for (int p = 0, bi = bOff; p < k; p++, bi += ldb) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            s0 = FloatVector.broadcast(S, a[r0 + p]).fma(bv, s0);
            s1 = FloatVector.broadcast(S, a[r1 + p]).fma(bv, s1);
            s2 = FloatVector.broadcast(S, a[r2 + p]).fma(bv, s2);
            s3 = FloatVector.broadcast(S, a[r3 + p]).fma(bv, s3);
            s4 = FloatVector.broadcast(S, a[r4 + p]).fma(bv, s4);
            s5 = FloatVector.broadcast(S, a[r5 + p]).fma(bv, s5);
            s6 = FloatVector.broadcast(S, a[r6 + p]).fma(bv, s6);
            s7 = FloatVector.broadcast(S, a[r7 + p]).fma(bv, s7);
        }
        s0.intoArray(c, c0);
        if (rows > 1) s1.intoArray(c, c0 + ldc);
        if (rows > 2) s2.intoArray(c, c0 + 2 * ldc);
        if (rows > 3) s3.intoArray(c, c0 + 3 * ldc);
        if (rows > 4) s4.intoArray(c, c0 + 4 * ldc);
        if (rows > 5) s5.intoArray(c, c0 + 5 * ldc);
        if (rows > 6) s6.intoArray(c, c0 + 6 * ldc);
        if (rows > 7) s7.intoArray(c, c0 + 7 * ldc);
    }
}
