package rrcm.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.Gemm;
import rrcm.backend.GemmOps;

/**
 * Batched GEMM on the CPU (see {@link Gemm} for the contract), blocked in the GotoBLAS/BLIS way.
 *
 * <p>Micro-kernel: an MR x NR tile of C in registers, the shape chosen for the machine by {@link
 * CpuTuning} (12 x 2 vectors where there are 32 vector registers, 12 x 1 where there are 16). Each step of
 * K loads the tile's vectors from a packed row of B, broadcasts MR packed values of A, and issues one FMA
 * per accumulator; the accumulators are many times what the FMA latency needs, and each broadcast feeds
 * them from memory rather than a register. A tile that needs more registers than the ISA has is spilled
 * by C2, one accumulator to the stack, and the FMA chain through that store and reload halves the speed:
 * the 6 x 2 tile did that on AVX2. benchmarks/RESULTS.md has the measurements.
 *
 * <p>Loops, outermost first:
 * <pre>
 *   jc  NC (3072) columns of B and C
 *   pc  KC (768) steps of K: B[pc.., jc..] is packed into NR-column slivers (KC x NR, zero padded);
 *       this panel (up to 9 MiB, L3) is shared by all threads
 *   ic  blocks of about MC (192) rows, one task each: the task packs A[ic.., pc..] into MR-row slivers
 *       (about 0.5 MiB, in L2), alpha folded in
 *   jr  the B slivers (KC x NR)
 *   ir  the A slivers (MR x KC): micro-kernel, starting from C's tile (or zero on the first pc when
 *       beta = 0)
 * </pre>
 * KC is long rather than L1-sized: each pc pass reloads every C tile, and those loads miss the caches
 * while the packed panels stream well from L2 (RESULTS.md, the Zen 4 GEMM section, compares KC 256 and
 * 768). The blocks are CpuTuning's.
 *
 * <p>The row blocks are the parallel tasks: a multiple of the thread count, of equal size to within a
 * sliver, so that no core idles at the end; when M gives fewer blocks than threads, the B slivers are
 * split too. A batch of many products runs one product per task, and the small ones (attention-sized,
 * K x N within CpuTuning's limit) skip the packing altogether ({@link CpuSmallGemm}). Every C element
 * is summed over K in the same order (pc blocks in order, steps in order within a block) whichever
 * thread or block computes it, so the result does not depend on the thread count. Tiles that stick out of C run on a
 * scratch tile that is copied in and out.
 */
final class CpuGemm extends GemmOps<CpuStorage> {
    private final Parallel par;
    private final java.util.concurrent.atomic.LongAdder productFlops;

    CpuGemm(CpuBackend backend, Parallel par, java.util.concurrent.atomic.LongAdder productFlops) {
        super(backend, CpuStorage.class);
        this.par = par;
        this.productFlops = productFlops;
    }

    @Override
    protected void doMultiply(Gemm g, CpuStorage a, CpuStorage b, CpuStorage c) {
        gemm(par, g, a.floats(), b.floats(), c.floats());
        productFlops.add(g.flops());
    }

    /** 512-bit on AVX-512 machines; elsewhere the widest there is (CpuTuning). */
    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int V = S.length();
    static final int MR = CpuTuning.GEMM_MR;
    static final int NR = CpuTuning.GEMM_NV * V;
    static final int KC = CpuTuning.GEMM_KC;
    static final int MC = CpuTuning.GEMM_MC;
    static final int NC = CpuTuning.GEMM_NC;
    /** The tile as one number (rows, then vectors: 62 for 6 x 2), which kernel() switches on. */
    private static final int TILE = MR * 10 + CpuTuning.GEMM_NV;
    /** Products below this many multiply-adds (about 10 microseconds) stay on one thread. */
    private static final long SERIAL_WORK = 1L << 20;
    private static final Parallel SERIAL = new Parallel(1);

    /** A thread's packing buffers, grown to the largest product it has run, then reused. */
    private static final class Space {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) {
            if (a.length < size) a = new float[size];
            return a;
        }

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }
    }

    private static final ThreadLocal<Space> SPACE = ThreadLocal.withInitial(Space::new);


    static void gemm(Parallel par, Gemm g, float[] a, float[] b, float[] c) {
        long work = (long) g.m() * g.n() * g.k();
        int batch = g.batch(), threads = par.threads();
        // whole products per task when they share out evenly or are too small to split; forRange weighs
        // items in floats touched, about a nanosecond each, and a multiply-add here takes 1/32 of that
        if (batch > 1 && (batch % threads == 0 || batch >= 4 * threads || work < SERIAL_WORK)) {
            par.forRange(batch, Math.max(1, work / 32), (from, to) -> {
                for (int e = from; e < to; e++) serial(g, e, a, b, c);
            });
        } else if (work < SERIAL_WORK) {
            for (int e = 0; e < batch; e++) serial(g, e, a, b, c);
        } else {
            for (int e = 0; e < batch; e++) product(par, g, e, a, b, c);
        }
    }

    /** Batch entry e on the calling thread: in place when it is small (CpuSmallGemm), else blocked. */
    private static void serial(Gemm g, int e, float[] a, float[] b, float[] c) {
        if (CpuSmallGemm.fits(g)) CpuSmallGemm.product(g, e, a, b, c);
        else product(SERIAL, g, e, a, b, c);
    }

    /** Batch entry e, blocked and packed, its parts on par's threads. */
    static void product(Parallel par, Gemm g, int e, float[] a, float[] b, float[] c) {
        int m = g.m(), n = g.n(), k = g.k(), threads = par.threads();
        int offA = e * g.strideA(), offB = e * g.strideB(), offC = e * g.strideC();
        int mSlivers = ceilDiv(m, MR);
        int mBlocks = Math.min(mSlivers, roundUp(ceilDiv(m, MC), threads));
        int nParts = mBlocks >= threads ? 1 : threads;
        // equal blocks, so that a dimension just above KC or NC does not leave a sliver-thin last block
        int kc = ceilDiv(k, ceilDiv(k, KC));
        int nc = roundUp(ceilDiv(n, ceilDiv(n, NC)), NR);
        float[] bp = SPACE.get().b(kc * nc);
        for (int jc = 0; jc < n; jc += nc) {
            int j0 = jc, nSlivers = ceilDiv(Math.min(nc, n - jc), NR);
            for (int pc = 0; pc < k; pc += kc) {
                int p0 = pc, kq = Math.min(kc, k - pc);
                boolean load = pc > 0 || g.beta() == 1f;
                par.forRange(nSlivers, (long) kq * NR, (s0, s1) -> {
                    for (int s = s0; s < s1; s++) packB(g, b, offB, p0, kq, j0 + s * NR, bp, s * NR * kq);
                });
                par.forEach(mBlocks * nParts, t -> {
                    int block = t / nParts, part = t % nParts;
                    int i0 = (int) ((long) block * mSlivers / mBlocks) * MR;
                    int i1 = Math.min(m, (int) ((long) (block + 1) * mSlivers / mBlocks) * MR);
                    Space sp = SPACE.get();
                    int aSlivers = ceilDiv(i1 - i0, MR);
                    float[] ap = sp.a(aSlivers * MR * kq);
                    for (int s = 0; s < aSlivers; s++) {
                        packA(g, a, offA, i0 + s * MR, Math.min(MR, i1 - i0 - s * MR), p0, kq, ap, s * MR * kq);
                    }
                    for (int sj = nSlivers * part / nParts; sj < nSlivers * (part + 1) / nParts; sj++) {
                        int j = j0 + sj * NR, nr = Math.min(NR, n - j);
                        for (int si = 0; si < aSlivers; si++) {
                            int i = i0 + si * MR, mr = Math.min(MR, i1 - i);
                            int ao = si * MR * kq, bo = sj * NR * kq, co = offC + i * n + j;
                            if (mr == MR && nr == NR) kernel(kq, ap, ao, bp, bo, c, co, n, load);
                            else edge(kq, ap, ao, bp, bo, c, co, n, mr, nr, load, sp.tile);
                        }
                    }
                });
            }
        }
    }

    /** The mr x nr corner of a tile, through a full scratch tile so the kernel stays unmasked. */
    private static void edge(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                             int mr, int nr, boolean load, float[] tile) {
        if (load) {
            Arrays.fill(tile, 0f);
            for (int r = 0; r < mr; r++) System.arraycopy(c, cOff + r * ldc, tile, r * NR, nr);
        }
        kernel(kc, ap, aOff, bp, bOff, tile, 0, NR, load);
        for (int r = 0; r < mr; r++) System.arraycopy(tile, r * NR, c, cOff + r * ldc, nr);
    }

    /** Rows i..i+mr of alpha * op(A), columns p0..p0+kc, as kc groups of MR values (rows past mr are 0). */
    private static void packA(Gemm g, float[] a, int offA, int i, int mr, int p0, int kc, float[] ap, int at) {
        float alpha = g.alpha();
        int m = g.m(), k = g.k();
        if (mr < MR) Arrays.fill(ap, at, at + MR * kc, 0f);
        if (g.transA()) {
            for (int p = 0; p < kc; p++) {
                int src = offA + (p0 + p) * m + i;
                for (int r = 0; r < mr; r++) ap[at + p * MR + r] = alpha * a[src + r];
            }
        } else {
            for (int r = 0; r < mr; r++) {
                int src = offA + (i + r) * k + p0;
                for (int p = 0; p < kc; p++) ap[at + p * MR + r] = alpha * a[src + p];
            }
        }
    }

    /** Rows p0..p0+kc of op(B), columns j..j+NR, as kc rows of NR values (columns past n are 0). */
    private static void packB(Gemm g, float[] b, int offB, int p0, int kc, int j, float[] bp, int at) {
        int n = g.n(), k = g.k(), nr = Math.min(NR, n - j);
        if (nr < NR) Arrays.fill(bp, at, at + NR * kc, 0f);
        if (g.transB()) {
            for (int jj = 0; jj < nr; jj++) {
                int src = offB + (j + jj) * k + p0;
                for (int p = 0; p < kc; p++) bp[at + p * NR + jj] = b[src + p];
            }
        } else {
            for (int p = 0; p < kc; p++) System.arraycopy(b, offB + (p0 + p) * n + j, bp, at + p * NR, nr);
        }
    }

    /**
     * C tile (MR x NR at c[cOff], row stride ldc) = (load ? the tile : 0) + the product of an A sliver
     * (kc groups of MR) and a B sliver (kc rows of NR), by the machine's tile (a constant, so C2 keeps
     * one branch). In each kernel the accumulators are locals so that C2 keeps them in registers; A
     * values are broadcast straight from memory. C's row offsets are computed where used: kept in
     * variables they stay live across the loop and crowd the general-purpose registers the loop needs.
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                               boolean load) {
        switch (TILE) {
            case 62 -> kernel6x2(kc, ap, aOff, bp, bOff, c, cOff, ldc, load);
            case 122 -> kernel12x2(kc, ap, aOff, bp, bOff, c, cOff, ldc, load);
            case 121 -> kernel12x1(kc, ap, aOff, bp, bOff, c, cOff, ldc, load);
            default -> throw new IllegalStateException("no GEMM kernel for tile " + MR + "x" + NR / V);
        }
    }

    static void kernel6x2(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                               boolean load) {
        FloatVector c00, c01;
        FloatVector c10, c11;
        FloatVector c20, c21;
        FloatVector c30, c31;
        FloatVector c40, c41;
        FloatVector c50, c51;
        if (load) {
            c00 = FloatVector.fromArray(S, c, cOff);
            c01 = FloatVector.fromArray(S, c, cOff + V);
            c10 = FloatVector.fromArray(S, c, cOff + ldc);
            c11 = FloatVector.fromArray(S, c, cOff + ldc + V);
            c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + V);
            c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + V);
            c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + V);
            c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + V);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * 6, bi = bOff + p * 2 * V;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + V);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + V);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + V);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + V);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + V);
    }

    static void kernel12x2(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                               boolean load) {
        FloatVector c00, c01;
        FloatVector c10, c11;
        FloatVector c20, c21;
        FloatVector c30, c31;
        FloatVector c40, c41;
        FloatVector c50, c51;
        FloatVector c60, c61;
        FloatVector c70, c71;
        FloatVector c80, c81;
        FloatVector c90, c91;
        FloatVector c100, c101;
        FloatVector c110, c111;
        if (load) {
            c00 = FloatVector.fromArray(S, c, cOff);
            c01 = FloatVector.fromArray(S, c, cOff + V);
            c10 = FloatVector.fromArray(S, c, cOff + ldc);
            c11 = FloatVector.fromArray(S, c, cOff + ldc + V);
            c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + V);
            c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + V);
            c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + V);
            c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + V);
            c60 = FloatVector.fromArray(S, c, cOff + 6 * ldc);
            c61 = FloatVector.fromArray(S, c, cOff + 6 * ldc + V);
            c70 = FloatVector.fromArray(S, c, cOff + 7 * ldc);
            c71 = FloatVector.fromArray(S, c, cOff + 7 * ldc + V);
            c80 = FloatVector.fromArray(S, c, cOff + 8 * ldc);
            c81 = FloatVector.fromArray(S, c, cOff + 8 * ldc + V);
            c90 = FloatVector.fromArray(S, c, cOff + 9 * ldc);
            c91 = FloatVector.fromArray(S, c, cOff + 9 * ldc + V);
            c100 = FloatVector.fromArray(S, c, cOff + 10 * ldc);
            c101 = FloatVector.fromArray(S, c, cOff + 10 * ldc + V);
            c110 = FloatVector.fromArray(S, c, cOff + 11 * ldc);
            c111 = FloatVector.fromArray(S, c, cOff + 11 * ldc + V);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = c80 = c81 = c90 = c91 = c100 = c101 = c110 = c111 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * 12, bi = bOff + p * 2 * V;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + V);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            FloatVector a8 = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = a8.fma(b0, c80);
            c81 = a8.fma(b1, c81);
            FloatVector a9 = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = a9.fma(b0, c90);
            c91 = a9.fma(b1, c91);
            FloatVector a10 = FloatVector.broadcast(S, ap[ai + 10]);
            c100 = a10.fma(b0, c100);
            c101 = a10.fma(b1, c101);
            FloatVector a11 = FloatVector.broadcast(S, ap[ai + 11]);
            c110 = a11.fma(b0, c110);
            c111 = a11.fma(b1, c111);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + V);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + V);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + V);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + V);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + V);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + V);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + V);
        c80.intoArray(c, cOff + 8 * ldc);
        c81.intoArray(c, cOff + 8 * ldc + V);
        c90.intoArray(c, cOff + 9 * ldc);
        c91.intoArray(c, cOff + 9 * ldc + V);
        c100.intoArray(c, cOff + 10 * ldc);
        c101.intoArray(c, cOff + 10 * ldc + V);
        c110.intoArray(c, cOff + 11 * ldc);
        c111.intoArray(c, cOff + 11 * ldc + V);
    }

    static void kernel12x1(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                               boolean load) {
        FloatVector c00;
        FloatVector c10;
        FloatVector c20;
        FloatVector c30;
        FloatVector c40;
        FloatVector c50;
        FloatVector c60;
        FloatVector c70;
        FloatVector c80;
        FloatVector c90;
        FloatVector c100;
        FloatVector c110;
        if (load) {
            c00 = FloatVector.fromArray(S, c, cOff);
            c10 = FloatVector.fromArray(S, c, cOff + ldc);
            c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
            c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
            c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
            c60 = FloatVector.fromArray(S, c, cOff + 6 * ldc);
            c70 = FloatVector.fromArray(S, c, cOff + 7 * ldc);
            c80 = FloatVector.fromArray(S, c, cOff + 8 * ldc);
            c90 = FloatVector.fromArray(S, c, cOff + 9 * ldc);
            c100 = FloatVector.fromArray(S, c, cOff + 10 * ldc);
            c110 = FloatVector.fromArray(S, c, cOff + 11 * ldc);
        } else {
            c00 = c10 = c20 = c30 = c40 = c50 = c60 = c70 = c80 = c90 = c100 = c110 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * 12, bi = bOff + p * 1 * V;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a7.fma(b0, c70);
            FloatVector a8 = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = a8.fma(b0, c80);
            FloatVector a9 = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = a9.fma(b0, c90);
            FloatVector a10 = FloatVector.broadcast(S, ap[ai + 10]);
            c100 = a10.fma(b0, c100);
            FloatVector a11 = FloatVector.broadcast(S, ap[ai + 11]);
            c110 = a11.fma(b0, c110);
        }
        c00.intoArray(c, cOff);
        c10.intoArray(c, cOff + ldc);
        c20.intoArray(c, cOff + 2 * ldc);
        c30.intoArray(c, cOff + 3 * ldc);
        c40.intoArray(c, cOff + 4 * ldc);
        c50.intoArray(c, cOff + 5 * ldc);
        c60.intoArray(c, cOff + 6 * ldc);
        c70.intoArray(c, cOff + 7 * ldc);
        c80.intoArray(c, cOff + 8 * ldc);
        c90.intoArray(c, cOff + 9 * ldc);
        c100.intoArray(c, cOff + 10 * ldc);
        c110.intoArray(c, cOff + 11 * ldc);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }
}
