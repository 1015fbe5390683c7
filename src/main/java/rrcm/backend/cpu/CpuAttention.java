package rrcm.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.AttentionOps;
import rrcm.backend.AttentionShape;

/**
 * Fused scaled-dot-product attention on the CPU, FlashAttention-style: no (tq, tk) matrix is ever
 * built; scores live one block of (at most BQ query rows, BK keys) at a time. Rows are read and written
 * where the shape's layout puts them (separate arrays, or the packed projection of AttentionShape): every
 * row goes through the workspace anyway, so the packed layout costs nothing here.
 *
 * <p>Forward, one task per (head, block of query rows): the keys are visited in blocks of BK. A block's
 * scores S = (q scale) k^T go through an online softmax: each row keeps its running max m and running
 * sum l, and when a block raises m the output accumulator O and l are rescaled by exp(m_old - m_new)
 * before the block's P = exp(S - m) adds P v to O. At the end o = O / l and lse = m + log l.
 *
 * <p>Backward (FlashAttention-2): D = rowsum(dO o); per block P = exp(S - lse) is recomputed, then
 * dV += P^T dO, dP = dO v^T, dS = P (dP - D), dQ += dS k scale, dK += dS^T q scale. One task per
 * head: key blocks outer (their dK, dV stay in the workspace), query blocks inner, the head's dQ in
 * the workspace. With fewer heads than threads one task per head would leave cores idle, so it runs
 * as two passes instead, (head, key block) tasks for dK, dV and (head, query block) tasks for dQ,
 * each recomputing P: more work, every core busy.
 *
 * <p>Every product is one register-tiled kernel ({@link CpuTiles}), C += A B, that broadcasts elements
 * of A and reads B and C as rows of vectors. So the scores need k^T, and dP needs v^T: a key block's k and v are
 * transposed into the workspace. Workspace rows are padded to a multiple of the vector width (zeros,
 * and -inf in the padding of a score row, so it gets probability 0): the kernels have no tails.
 * A chunk of tasks allocates one workspace and reuses it for each task: for the forward
 * (2 BQ + BK) dhPad + (dh + BQ) BKpad floats, for the backward (3 tq + 3 BK) dhPad + (2 dh + 2 BQ) BKpad
 * (at T = 66, dh = 64: about 90 KB and 185 KB).
 *
 * <p>Determinism: each output element is one chain of FMAs in a fixed order (over dh, over keys, or
 * over queries, ascending), and the blocks chosen for load balance only cut a chain into calls, never
 * reorder it; so results do not depend on the thread count. Only the forward's rounding depends on the
 * key blocks (the online rescaling), and BK is a constant. exp and the sums across lanes are
 * {@link CpuMath}'s, whose results do not depend on the JIT's state either.
 */
final class CpuAttention extends AttentionOps<CpuStorage> {
    private final Parallel par;
    private final java.util.concurrent.atomic.LongAdder productFlops;

    CpuAttention(CpuBackend backend, Parallel par, java.util.concurrent.atomic.LongAdder productFlops) {
        super(backend, CpuStorage.class);
        this.par = par;
        this.productFlops = productFlops;
    }

    @Override
    protected void doForward(AttentionShape s, CpuStorage q, CpuStorage k, CpuStorage v, CpuStorage o, CpuStorage lse) {
        forward(par, s, q.floats(), k.floats(), v.floats(), o.floats(), lse.floats());
        productFlops.add(4L * s.heads() * s.tq() * s.tk() * s.dh()); // S = q k^T and P v
    }

    @Override
    protected void doBackward(AttentionShape s, CpuStorage q, CpuStorage k, CpuStorage v, CpuStorage o, CpuStorage lse,
                              CpuStorage go, CpuStorage gq, CpuStorage gk, CpuStorage gv) {
        backward(par, s, q.floats(), k.floats(), v.floats(), o.floats(), lse.floats(), go.floats(), gq.floats(), gk.floats(),
                gv.floats());
        productFlops.add(10L * s.heads() * s.tq() * s.tk() * s.dh()); // S again, dP, dV, dK, dQ
    }

    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();
    /** Keys per block; fixed, since the forward's rounding depends on it. */
    private static final int BK = 128;
    /** Query rows per block at most: two (BQ, BK) score blocks stay well inside L2. */
    private static final int BQ = 128;


    static void forward(Parallel par, AttentionShape s, float[] q, float[] k, float[] v, float[] o, float[] lse) {
        int rows = blockSize(s.tq(), BQ, par.threads(), s.heads());
        int blocks = ceilDiv(s.tq(), rows);
        par.forRange(s.heads() * blocks, (long) rows * s.tk() * s.dh(), (t0, t1) -> {
            Forward f = new Forward(s, rows, q, k, v, o, lse);
            for (int t = t0; t < t1; t++) {
                int q0 = t % blocks * rows;
                f.run(t / blocks, q0, Math.min(rows, s.tq() - q0));
            }
        });
    }

    static void backward(Parallel par, AttentionShape s, float[] q, float[] k, float[] v, float[] o, float[] lse,
                         float[] go, float[] gq, float[] gk, float[] gv) {
        int heads = s.heads(), tq = s.tq(), tk = s.tk();
        long headWork = (long) tq * tk * s.dh();
        if (heads >= par.threads()) {
            par.forRange(heads, headWork, (h0, h1) -> {
                Backward b = new Backward(s, q, k, v, o, lse, go, gq, gk, gv);
                for (int h = h0; h < h1; h++) b.run(h, 0, tq, 0, tk, true, true);
            });
            return;
        }
        int keys = blockSize(tk, BK, par.threads(), heads), keyBlocks = ceilDiv(tk, keys);
        par.forRange(heads * keyBlocks, headWork / keyBlocks, (t0, t1) -> {
            Backward b = new Backward(s, q, k, v, o, lse, go, gq, gk, gv);
            for (int t = t0; t < t1; t++) {
                int k0 = t % keyBlocks * keys;
                b.run(t / keyBlocks, 0, tq, k0, Math.min(tk, k0 + keys), false, true);
            }
        });
        int rows = blockSize(tq, BQ, par.threads(), heads), queryBlocks = ceilDiv(tq, rows);
        par.forRange(heads * queryBlocks, headWork / queryBlocks, (t0, t1) -> {
            Backward b = new Backward(s, q, k, v, o, lse, go, gq, gk, gv);
            for (int t = t0; t < t1; t++) {
                int q0 = t % queryBlocks * rows;
                b.run(t / queryBlocks, q0, Math.min(tq, q0 + rows), 0, tk, true, false);
            }
        });
    }

    /** The forward of one block of query rows against all keys, and its workspace. */
    private static final class Forward {
        private final AttentionShape sh;
        private final float[] q, k, v, o, lse;
        private final int tq, tk, dh, dhp;
        private final float scale;
        private final float[] qs;      // (rows, dhp): q * scale
        private final float[] kt;      // (dh, BKpad): k of the key block, transposed
        private final float[] vr;      // (BK, dhp): v of the key block
        private final float[] p;       // (rows, bkp): scores, then probabilities
        private final float[] acc;     // (rows, dhp): O, not yet divided by l
        private final float[] sums;    // (rows, L): l, kept in lanes until the end
        private final float[] max;     // (rows): m

        Forward(AttentionShape s, int rows, float[] q, float[] k, float[] v, float[] o, float[] lse) {
            this.sh = s;
            this.q = q;
            this.k = k;
            this.v = v;
            this.o = o;
            this.lse = lse;
            tq = s.tq();
            tk = s.tk();
            dh = s.dh();
            dhp = pad(dh);
            scale = s.scale();
            int bkp = pad(Math.min(BK, tk));
            qs = new float[rows * dhp];
            kt = new float[dh * bkp];
            vr = new float[Math.min(BK, tk) * dhp];
            p = new float[rows * bkp];
            acc = new float[rows * dhp];
            sums = new float[rows * L];
            max = new float[rows];
        }

        void run(int h, int q0, int rows) {
            for (int r = 0; r < rows; r++) padRow(q, sh.qRow(h, q0 + r), dh, scale, qs, r * dhp);
            Arrays.fill(acc, 0, rows * dhp, 0f);
            Arrays.fill(sums, 0, rows * L, 0f);
            Arrays.fill(max, 0, rows, Float.NEGATIVE_INFINITY);
            for (int j0 = 0; j0 < tk; j0 += BK) {
                int bk = Math.min(BK, tk - j0), bkp = pad(bk);
                transpose(k, sh.kRow(h, j0), sh.qkvRowStride(), bk, dh, kt, bkp);
                for (int j = 0; j < bk; j++) padRow(v, sh.vRow(h, j0 + j), dh, 1f, vr, j * dhp);
                Arrays.fill(p, 0, rows * bkp, 0f);
                CpuTiles.multiplyAdd(qs, 0, dhp, 1, kt, 0, bkp, p, 0, bkp, rows, bkp, dh);
                for (int r = 0; r < rows; r++) softmaxRow(r, bk, bkp);
                CpuTiles.multiplyAdd(p, 0, bkp, 1, vr, 0, dhp, acc, 0, dhp, rows, dhp, bk);
            }
            for (int r = 0; r < rows; r++) {
                float l = CpuMath.sum(sums, r * L, L);
                unpadRow(acc, r * dhp, dh, 1f / l, o, sh.oRow(h, q0 + r));
                lse[h * tq + q0 + r] = max[r] + (float) Math.log(l);
            }
        }

        /** Turns row r of the block's scores into exp(S - m_new), rescaling O and l to the new max. */
        private void softmaxRow(int r, int bk, int bkp) {
            int off = r * bkp;
            Arrays.fill(p, off + bk, off + bkp, Float.NEGATIVE_INFINITY);
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int c = 0; c < bkp; c += L) m = m.max(FloatVector.fromArray(S, p, off + c));
            float mNew = Math.max(max[r], m.reduceLanes(VectorOperators.MAX));
            float alpha = (float) Math.exp(max[r] - mNew);
            max[r] = mNew;
            CpuMath.exp(p, off, mNew, p, off, bkp);
            FloatVector sum = FloatVector.fromArray(S, sums, r * L).mul(alpha);
            for (int c = 0; c < bkp; c += L) sum = sum.add(FloatVector.fromArray(S, p, off + c));
            sum.intoArray(sums, r * L);
            for (int c = 0; c < dhp; c += L) {
                FloatVector.fromArray(S, acc, r * dhp + c).mul(alpha).intoArray(acc, r * dhp + c);
            }
        }
    }

    /** The backward of a range of query rows against a range of keys, and its workspace. */
    private static final class Backward {
        private final AttentionShape sh;
        private final float[] q, k, v, o, lse, go, gq, gk, gv;
        private final int tq, tk, dh, dhp;
        private final float scale;
        private final float[] qs, dos;   // (tq, dhp): q * scale, dO
        private final float[] dq;        // (tq, dhp): dQ / scale
        private final float[] d;         // (tq): D = rowsum(dO o)
        private final float[] kt, vt;    // (dh, BKpad): k and v of the key block, transposed
        private final float[] kr;        // (BK, dhp): k of the key block
        private final float[] dk, dv;    // (BK, dhp)
        private final float[] p, ds;     // (BQ, BKpad): probabilities; dP, then dS
        private final float[] lanes = new float[L];

        Backward(AttentionShape s, float[] q, float[] k, float[] v, float[] o, float[] lse,
                 float[] go, float[] gq, float[] gk, float[] gv) {
            this.sh = s;
            this.q = q;
            this.k = k;
            this.v = v;
            this.o = o;
            this.lse = lse;
            this.go = go;
            this.gq = gq;
            this.gk = gk;
            this.gv = gv;
            tq = s.tq();
            tk = s.tk();
            dh = s.dh();
            dhp = pad(dh);
            scale = s.scale();
            int bk = Math.min(BK, tk), bkp = pad(bk), bq = Math.min(BQ, tq);
            qs = new float[tq * dhp];
            dos = new float[tq * dhp];
            dq = new float[tq * dhp];
            d = new float[tq];
            kt = new float[dh * bkp];
            vt = new float[dh * bkp];
            kr = new float[bk * dhp];
            dk = new float[bk * dhp];
            dv = new float[bk * dhp];
            p = new float[bq * bkp];
            ds = new float[bq * bkp];
        }

        /** Query rows [q0, q1) against keys [k0, k1): adds to dQ of those rows, or dK and dV of those keys. */
        void run(int h, int q0, int q1, int k0, int k1, boolean wantQ, boolean wantKV) {
            int rows = q1 - q0;
            for (int r = 0; r < rows; r++) {
                int oRow = sh.oRow(h, q0 + r);
                padRow(q, sh.qRow(h, q0 + r), dh, scale, qs, r * dhp);
                padRow(go, oRow, dh, 1f, dos, r * dhp);
                FloatVector dot = FloatVector.zero(S);
                int c = 0;
                for (; c <= dh - L; c += L) {
                    dot = FloatVector.fromArray(S, dos, r * dhp + c).fma(FloatVector.fromArray(S, o, oRow + c), dot);
                }
                if (c < dh) {
                    FloatVector oc = FloatVector.fromArray(S, o, oRow + c, S.indexInRange(c, dh));
                    dot = FloatVector.fromArray(S, dos, r * dhp + c).fma(oc, dot);
                }
                dot.intoArray(lanes, 0);
                d[r] = CpuMath.sum(lanes, 0, L);
            }
            if (wantQ) Arrays.fill(dq, 0, rows * dhp, 0f);
            for (int j0 = k0; j0 < k1; j0 += BK) {
                int bk = Math.min(BK, k1 - j0), bkp = pad(bk), stride = sh.qkvRowStride();
                transpose(k, sh.kRow(h, j0), stride, bk, dh, kt, bkp);
                transpose(v, sh.vRow(h, j0), stride, bk, dh, vt, bkp);
                if (wantQ) for (int j = 0; j < bk; j++) padRow(k, sh.kRow(h, j0 + j), dh, 1f, kr, j * dhp);
                if (wantKV) {
                    Arrays.fill(dk, 0, bk * dhp, 0f);
                    Arrays.fill(dv, 0, bk * dhp, 0f);
                }
                for (int i0 = 0; i0 < rows; i0 += BQ) {
                    int bq = Math.min(BQ, rows - i0), qi = i0 * dhp;
                    Arrays.fill(p, 0, bq * bkp, 0f);
                    Arrays.fill(ds, 0, bq * bkp, 0f);
                    CpuTiles.multiplyAdd(qs, qi, dhp, 1, kt, 0, bkp, p, 0, bkp, bq, bkp, dh);
                    CpuTiles.multiplyAdd(dos, qi, dhp, 1, vt, 0, bkp, ds, 0, bkp, bq, bkp, dh);
                    for (int r = 0; r < bq; r++) {
                        int off = r * bkp;
                        Arrays.fill(p, off + bk, off + bkp, Float.NEGATIVE_INFINITY);
                        float rowLse = lse[h * tq + q0 + i0 + r], rowD = d[i0 + r];
                        CpuMath.exp(p, off, rowLse, p, off, bkp);
                        for (int c = 0; c < bkp; c += L) {
                            FloatVector pc = FloatVector.fromArray(S, p, off + c);
                            pc.mul(FloatVector.fromArray(S, ds, off + c).sub(rowD)).intoArray(ds, off + c);
                        }
                    }
                    if (wantKV) {
                        CpuTiles.multiplyAdd(p, 0, 1, bkp, dos, qi, dhp, dv, 0, dhp, bk, dhp, bq);
                        CpuTiles.multiplyAdd(ds, 0, 1, bkp, qs, qi, dhp, dk, 0, dhp, bk, dhp, bq);
                    }
                    if (wantQ) CpuTiles.multiplyAdd(ds, 0, bkp, 1, kr, 0, dhp, dq, qi, dhp, bq, dhp, bk);
                }
                if (wantKV) {
                    for (int j = 0; j < bk; j++) {
                        unpadRow(dk, j * dhp, dh, 1f, gk, sh.kRow(h, j0 + j));
                        unpadRow(dv, j * dhp, dh, 1f, gv, sh.vRow(h, j0 + j));
                    }
                }
            }
            if (wantQ) for (int r = 0; r < rows; r++) unpadRow(dq, r * dhp, dh, scale, gq, sh.qRow(h, q0 + r));
        }
    }

    /** dst[dOff, dOff + pad(n)) = src[sOff, sOff + n) * scale, then zeros. */
    private static void padRow(float[] src, int sOff, int n, float scale, float[] dst, int dOff) {
        int c = 0;
        for (; c <= n - L; c += L) FloatVector.fromArray(S, src, sOff + c).mul(scale).intoArray(dst, dOff + c);
        if (c < n) FloatVector.fromArray(S, src, sOff + c, S.indexInRange(c, n)).mul(scale).intoArray(dst, dOff + c);
    }

    /** dst[dOff, dOff + n) = src[sOff, sOff + n) * scale. */
    private static void unpadRow(float[] src, int sOff, int n, float scale, float[] dst, int dOff) {
        int c = 0;
        for (; c <= n - L; c += L) FloatVector.fromArray(S, src, sOff + c).mul(scale).intoArray(dst, dOff + c);
        if (c < n) FloatVector.fromArray(S, src, sOff + c).mul(scale).intoArray(dst, dOff + c, S.indexInRange(c, n));
    }

    /** dst (cols, ld) = src (rows, cols) at off with rows stride apart, transposed; columns rows..ld of dst are zero. */
    private static void transpose(float[] src, int off, int stride, int rows, int cols, float[] dst, int ld) {
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) dst[c * ld + r] = src[off + r * stride + c];
            Arrays.fill(dst, c * ld + rows, (c + 1) * ld, 0f);
        }
    }

    /**
     * Rows per block: at most max, and small enough that heads * blocks gives every thread work
     * (blocks never change results, see the class comment). A multiple of the tile's rows, so the
     * tiles fill.
     */
    private static int blockSize(int n, int max, int threads, int heads) {
        int blocks = Math.max(ceilDiv(n, max), ceilDiv(threads, heads));
        return Math.min(n, ceilDiv(ceilDiv(n, blocks), CpuTiles.ROWS) * CpuTiles.ROWS);
    }

    private static int pad(int n) {
        return ceilDiv(n, L) * L;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
