package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention's register tiles (CpuAttention): C += A B where B and C are read in place as rows of vectors
 * and A one element at a time (broadcast), by row or by column, with no packing. The tile is the
 * machine's (CpuTuning's attention tile): 6 rows by 4 vectors with 32 vector registers, 6 by 2 with 16.
 * (The small products of a batched GEMM have their own in-place tiles, CpuSmallGemm's: run on these
 * instead, 600 products of 66 x 64 x 66 measured 10-20% slower, on AVX2 and AVX-512 alike.)
 */
final class CpuTiles {
    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();
    /** Rows per tile (4 or 6) and whether the widest tile is 4 vectors. */
    static final int ROWS = CpuTuning.ATTENTION_ROWS;
    private static final boolean WIDE = CpuTuning.ATTENTION_NV == 4;

    private CpuTiles() {}

    /**
     * C (rows, cols) += A (rows, depth) B (depth, cols), with A(r, k) = a[aOff + r aRow + k aCol], B and C
     * row-major; cols is a multiple of L. The machine's tile (CpuTuning): 6 rows by 4 vectors keep 24 sums
     * in registers, so each step loads 4 B vectors and 6 A elements for 24 FMAs; with 16 vector registers
     * that tile spills, and it is 6 rows by 2 vectors. Columns left over go by 2 vectors, then by 1: the
     * small model's heads (24 wide, 18 tokens) are two vectors wide. The 4-row tiles (4 x 4, 4 x 2) are
     * the earlier choice, kept to compare. Rows past the end repeat the last row: the same sums stored
     * twice, a little wasted work instead of more tile shapes. Only C += (a product from zeros starts from
     * zero-filled C), so that every element is the same chain of FMAs however the blocks cut it.
     */
    static void multiplyAdd(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, int rows, int cols, int depth) {
        multiplyAdd(ROWS, WIDE, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, rows, cols, depth);
    }

    /** {@link #multiplyAdd} in tiles of tileRows (4 or 6) rows, 4 vectors wide when wide (tests run every tile). */
    static void multiplyAdd(int tileRows, boolean wide, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                            int ldb, float[] c, int cOff, int ldc, int rows, int cols, int depth) {
        if (tileRows == 6) {
            gemm6(wide, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, rows, cols, depth);
            return;
        }
        int last = rows - 1;
        for (int r = 0; r < rows; r += 4) {
            int r1 = Math.min(r + 1, last), r2 = Math.min(r + 2, last), r3 = Math.min(r + 3, last);
            int a0 = aOff + r * aRow, a1 = aOff + r1 * aRow, a2 = aOff + r2 * aRow, a3 = aOff + r3 * aRow;
            int c0 = cOff + r * ldc, c1 = cOff + r1 * ldc, c2 = cOff + r2 * ldc, c3 = cOff + r3 * ldc;
            int col = 0;
            if (wide) {
                for (; col + 4 * L <= cols; col += 4 * L) {
                    tile4(a, a0, a1, a2, a3, aCol, b, bOff + col, ldb, c, c0 + col, c1 + col, c2 + col, c3 + col,
                            depth);
                }
            }
            for (; col + 2 * L <= cols; col += 2 * L) {
                tile2(a, a0, a1, a2, a3, aCol, b, bOff + col, ldb, c, c0 + col, c1 + col, c2 + col, c3 + col, depth);
            }
            for (; col < cols; col += L) {
                tile1(a, a0, a1, a2, a3, aCol, b, bOff + col, ldb, c, c0 + col, c1 + col, c2 + col, c3 + col,
                        depth);
            }
        }
    }

    /**
     * {@link #multiplyAdd} in tiles of 6 rows, the shape for 16 vector registers: 6 by 2 vectors (12 sums, two B
     * vectors, one broadcast), leaving the FMA units slack that 4 by 2's eight sums, exactly latency times
     * ports, did not; a left-over vector goes 6 by 1.
     */
    private static void gemm6(boolean wide, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, int rows, int cols, int depth) {
        int last = rows - 1;
        int[] ar = new int[6], cr = new int[6];
        for (int r = 0; r < rows; r += 6) {
            for (int i = 0; i < 6; i++) {
                int row = Math.min(r + i, last);
                ar[i] = aOff + row * aRow;
                cr[i] = cOff + row * ldc;
            }
            int col = 0;
            if (wide) {
                for (; col + 4 * L <= cols; col += 4 * L) tile6x4(a, ar, aCol, b, bOff + col, ldb, c, cr, col, depth);
            }
            for (; col + 2 * L <= cols; col += 2 * L) tile6x2(a, ar, aCol, b, bOff + col, ldb, c, cr, col, depth);
            for (; col < cols; col += L) tile6x1(a, ar, aCol, b, bOff + col, ldb, c, cr, col, depth);
        }
    }

    /** Six rows by four vectors: 24 sums, for 32 vector registers. */
    private static void tile6x4(float[] a, int[] ar, int aCol, float[] b, int b0, int ldb, float[] c, int[] cr, int col,
                                int depth) {
        int a0 = ar[0], a1 = ar[1], a2 = ar[2], a3 = ar[3], a4 = ar[4], a5 = ar[5];
        int c0 = cr[0] + col, c1 = cr[1] + col, c2 = cr[2] + col, c3 = cr[3] + col, c4 = cr[4] + col, c5 = cr[5] + col;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x02 = FloatVector.fromArray(S, c, c0 + 2 * L), x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x12 = FloatVector.fromArray(S, c, c1 + 2 * L), x13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x22 = FloatVector.fromArray(S, c, c2 + 2 * L), x23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector x32 = FloatVector.fromArray(S, c, c3 + 2 * L), x33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        FloatVector x40 = FloatVector.fromArray(S, c, c4), x41 = FloatVector.fromArray(S, c, c4 + L);
        FloatVector x42 = FloatVector.fromArray(S, c, c4 + 2 * L), x43 = FloatVector.fromArray(S, c, c4 + 3 * L);
        FloatVector x50 = FloatVector.fromArray(S, c, c5), x51 = FloatVector.fromArray(S, c, c5 + L);
        FloatVector x52 = FloatVector.fromArray(S, c, c5 + 2 * L), x53 = FloatVector.fromArray(S, c, c5 + 3 * L);
        for (int kk = 0; kk < depth; kk++) {
            int bk = b0 + kk * ldb, ak = kk * aCol;
            FloatVector v0 = FloatVector.fromArray(S, b, bk), v1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector v2 = FloatVector.fromArray(S, b, bk + 2 * L), v3 = FloatVector.fromArray(S, b, bk + 3 * L);
            FloatVector u = FloatVector.broadcast(S, a[a0 + ak]);
            x00 = v0.fma(u, x00);
            x01 = v1.fma(u, x01);
            x02 = v2.fma(u, x02);
            x03 = v3.fma(u, x03);
            u = FloatVector.broadcast(S, a[a1 + ak]);
            x10 = v0.fma(u, x10);
            x11 = v1.fma(u, x11);
            x12 = v2.fma(u, x12);
            x13 = v3.fma(u, x13);
            u = FloatVector.broadcast(S, a[a2 + ak]);
            x20 = v0.fma(u, x20);
            x21 = v1.fma(u, x21);
            x22 = v2.fma(u, x22);
            x23 = v3.fma(u, x23);
            u = FloatVector.broadcast(S, a[a3 + ak]);
            x30 = v0.fma(u, x30);
            x31 = v1.fma(u, x31);
            x32 = v2.fma(u, x32);
            x33 = v3.fma(u, x33);
            u = FloatVector.broadcast(S, a[a4 + ak]);
            x40 = v0.fma(u, x40);
            x41 = v1.fma(u, x41);
            x42 = v2.fma(u, x42);
            x43 = v3.fma(u, x43);
            u = FloatVector.broadcast(S, a[a5 + ak]);
            x50 = v0.fma(u, x50);
            x51 = v1.fma(u, x51);
            x52 = v2.fma(u, x52);
            x53 = v3.fma(u, x53);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x02.intoArray(c, c0 + 2 * L);
        x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x12.intoArray(c, c1 + 2 * L);
        x13.intoArray(c, c1 + 3 * L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x22.intoArray(c, c2 + 2 * L);
        x23.intoArray(c, c2 + 3 * L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x32.intoArray(c, c3 + 2 * L);
        x33.intoArray(c, c3 + 3 * L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x42.intoArray(c, c4 + 2 * L);
        x43.intoArray(c, c4 + 3 * L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
        x52.intoArray(c, c5 + 2 * L);
        x53.intoArray(c, c5 + 3 * L);
    }

    private static void tile6x2(float[] a, int[] ar, int aCol, float[] b, int b0, int ldb, float[] c, int[] cr, int col,
                                int depth) {
        int a0 = ar[0], a1 = ar[1], a2 = ar[2], a3 = ar[3], a4 = ar[4], a5 = ar[5];
        int c0 = cr[0] + col, c1 = cr[1] + col, c2 = cr[2] + col, c3 = cr[3] + col, c4 = cr[4] + col, c5 = cr[5] + col;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector x40 = FloatVector.fromArray(S, c, c4), x41 = FloatVector.fromArray(S, c, c4 + L);
        FloatVector x50 = FloatVector.fromArray(S, c, c5), x51 = FloatVector.fromArray(S, c, c5 + L);
        for (int kk = 0; kk < depth; kk++) {
            int bk = b0 + kk * ldb, ak = kk * aCol;
            FloatVector v0 = FloatVector.fromArray(S, b, bk), v1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector u = FloatVector.broadcast(S, a[a0 + ak]);
            x00 = v0.fma(u, x00);
            x01 = v1.fma(u, x01);
            u = FloatVector.broadcast(S, a[a1 + ak]);
            x10 = v0.fma(u, x10);
            x11 = v1.fma(u, x11);
            u = FloatVector.broadcast(S, a[a2 + ak]);
            x20 = v0.fma(u, x20);
            x21 = v1.fma(u, x21);
            u = FloatVector.broadcast(S, a[a3 + ak]);
            x30 = v0.fma(u, x30);
            x31 = v1.fma(u, x31);
            u = FloatVector.broadcast(S, a[a4 + ak]);
            x40 = v0.fma(u, x40);
            x41 = v1.fma(u, x41);
            u = FloatVector.broadcast(S, a[a5 + ak]);
            x50 = v0.fma(u, x50);
            x51 = v1.fma(u, x51);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
    }

    private static void tile6x1(float[] a, int[] ar, int aCol, float[] b, int b0, int ldb, float[] c, int[] cr, int col,
                                int depth) {
        int a0 = ar[0], a1 = ar[1], a2 = ar[2], a3 = ar[3], a4 = ar[4], a5 = ar[5];
        int c0 = cr[0] + col, c1 = cr[1] + col, c2 = cr[2] + col, c3 = cr[3] + col, c4 = cr[4] + col, c5 = cr[5] + col;
        FloatVector x0 = FloatVector.fromArray(S, c, c0), x1 = FloatVector.fromArray(S, c, c1);
        FloatVector x2 = FloatVector.fromArray(S, c, c2), x3 = FloatVector.fromArray(S, c, c3);
        FloatVector x4 = FloatVector.fromArray(S, c, c4), x5 = FloatVector.fromArray(S, c, c5);
        for (int kk = 0; kk < depth; kk++) {
            FloatVector bv = FloatVector.fromArray(S, b, b0 + kk * ldb);
            int ak = kk * aCol;
            x0 = bv.fma(FloatVector.broadcast(S, a[a0 + ak]), x0);
            x1 = bv.fma(FloatVector.broadcast(S, a[a1 + ak]), x1);
            x2 = bv.fma(FloatVector.broadcast(S, a[a2 + ak]), x2);
            x3 = bv.fma(FloatVector.broadcast(S, a[a3 + ak]), x3);
            x4 = bv.fma(FloatVector.broadcast(S, a[a4 + ak]), x4);
            x5 = bv.fma(FloatVector.broadcast(S, a[a5 + ak]), x5);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c1);
        x2.intoArray(c, c2);
        x3.intoArray(c, c3);
        x4.intoArray(c, c4);
        x5.intoArray(c, c5);
    }

    private static void tile4(float[] a, int a0, int a1, int a2, int a3, int aCol, float[] b, int b0, int ldb,
                              float[] c, int c0, int c1, int c2, int c3, int depth) {
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x02 = FloatVector.fromArray(S, c, c0 + 2 * L), x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x12 = FloatVector.fromArray(S, c, c1 + 2 * L), x13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x22 = FloatVector.fromArray(S, c, c2 + 2 * L), x23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector x32 = FloatVector.fromArray(S, c, c3 + 2 * L), x33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        for (int kk = 0; kk < depth; kk++) {
            int bk = b0 + kk * ldb, ak = kk * aCol;
            FloatVector v0 = FloatVector.fromArray(S, b, bk), v1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector v2 = FloatVector.fromArray(S, b, bk + 2 * L), v3 = FloatVector.fromArray(S, b, bk + 3 * L);
            FloatVector u = FloatVector.broadcast(S, a[a0 + ak]);
            x00 = v0.fma(u, x00);
            x01 = v1.fma(u, x01);
            x02 = v2.fma(u, x02);
            x03 = v3.fma(u, x03);
            u = FloatVector.broadcast(S, a[a1 + ak]);
            x10 = v0.fma(u, x10);
            x11 = v1.fma(u, x11);
            x12 = v2.fma(u, x12);
            x13 = v3.fma(u, x13);
            u = FloatVector.broadcast(S, a[a2 + ak]);
            x20 = v0.fma(u, x20);
            x21 = v1.fma(u, x21);
            x22 = v2.fma(u, x22);
            x23 = v3.fma(u, x23);
            u = FloatVector.broadcast(S, a[a3 + ak]);
            x30 = v0.fma(u, x30);
            x31 = v1.fma(u, x31);
            x32 = v2.fma(u, x32);
            x33 = v3.fma(u, x33);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x02.intoArray(c, c0 + 2 * L);
        x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x12.intoArray(c, c1 + 2 * L);
        x13.intoArray(c, c1 + 3 * L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x22.intoArray(c, c2 + 2 * L);
        x23.intoArray(c, c2 + 3 * L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x32.intoArray(c, c3 + 2 * L);
        x33.intoArray(c, c3 + 3 * L);
    }

    /** Four rows by two vectors: 8 sums, the tile of machines with 16 vector registers (see CpuTuning). */
    private static void tile2(float[] a, int a0, int a1, int a2, int a3, int aCol, float[] b, int b0, int ldb,
                              float[] c, int c0, int c1, int c2, int c3, int depth) {
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        for (int kk = 0; kk < depth; kk++) {
            int bk = b0 + kk * ldb, ak = kk * aCol;
            FloatVector v0 = FloatVector.fromArray(S, b, bk), v1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector u = FloatVector.broadcast(S, a[a0 + ak]);
            x00 = v0.fma(u, x00);
            x01 = v1.fma(u, x01);
            u = FloatVector.broadcast(S, a[a1 + ak]);
            x10 = v0.fma(u, x10);
            x11 = v1.fma(u, x11);
            u = FloatVector.broadcast(S, a[a2 + ak]);
            x20 = v0.fma(u, x20);
            x21 = v1.fma(u, x21);
            u = FloatVector.broadcast(S, a[a3 + ak]);
            x30 = v0.fma(u, x30);
            x31 = v1.fma(u, x31);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
    }

    private static void tile1(float[] a, int a0, int a1, int a2, int a3, int aCol, float[] b, int b0, int ldb,
                              float[] c, int c0, int c1, int c2, int c3, int depth) {
        FloatVector x0 = FloatVector.fromArray(S, c, c0), x1 = FloatVector.fromArray(S, c, c1);
        FloatVector x2 = FloatVector.fromArray(S, c, c2), x3 = FloatVector.fromArray(S, c, c3);
        for (int kk = 0; kk < depth; kk++) {
            FloatVector bv = FloatVector.fromArray(S, b, b0 + kk * ldb);
            int ak = kk * aCol;
            x0 = bv.fma(FloatVector.broadcast(S, a[a0 + ak]), x0);
            x1 = bv.fma(FloatVector.broadcast(S, a[a1 + ak]), x1);
            x2 = bv.fma(FloatVector.broadcast(S, a[a2 + ak]), x2);
            x3 = bv.fma(FloatVector.broadcast(S, a[a3 + ak]), x3);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c1);
        x2.intoArray(c, c2);
        x3.intoArray(c, c3);
    }
}
