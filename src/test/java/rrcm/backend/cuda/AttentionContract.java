package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import rrcm.backend.AttentionShape;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.device.Device;
import rrcm.testing.Close;
import rrcm.testing.Data;

/**
 * {@link CudaAttention} against the CPU backend, the reference, on awkward shapes: sizes 1, lengths that
 * are not multiples of a warp or a tile (several key and query tiles, so the online softmax rescales and
 * several blocks share a head), every compiled head width (DC = 1, 2, 3, 4, 8) and widths between them,
 * tq != tk, several heads, scales of either sign, NaN inputs, misuse. Subclasses choose the device.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AttentionContract extends FamilyContract {
    /**
     * o and the gradients, per row of dh: fp32 on both sides with different summation orders (keys in
     * tiles of 32 here, 128 on the CPU; the online rescaling at other points; exp and log from another
     * library, a few ulp). The error of a sum is relative to the magnitude of its terms, not of its
     * result (the backward's dS = P (dP - D) cancels: with one key it is exactly 0 mathematically), so
     * each row is allowed 1e-5 of its {@link #scales row scale}, the sum of its terms' magnitudes,
     * plus 1e-5 of each element.
     */
    static final double TOLERANCE = 1e-5;
    static final String WHY = "fp32 vs the CPU's fp32 in another summation order and with another exp: "
            + "relative 1e-5 of the row scale (the sum of the magnitudes of its terms)";
    /** lse = m + log(l): the error of l (relative 1e-6 at these lengths) becomes an absolute error of log l. */
    static final Close LSE = new Close(1e-5, 1e-5,
            "m + log(l): l's summation order and log differ, a relative 1e-6 of l is 1e-6 absolute in lse");
    static final Close BITS = new Close(0, 0, "with one key p = exp(0) = 1 exactly: o = v, lse = the score (the same "
            + "fma chain on both sides), gv = go summed over queries in the same order");

    /** Changes how the device orders blocks and threads for the {@code run}-th repeat of a launch (a GPU: no-op). */
    void reschedule(Device device, int run) {}

    /** heads, tq, tk, dh: every compiled width and widths between them, tails everywhere. */
    List<int[]> shapes() {
        List<int[]> s = new ArrayList<>(List.of(
                new int[] {1, 1, 1, 1},
                new int[] {2, 1, 40, 32},
                new int[] {1, 37, 1, 64},
                new int[] {2, 19, 70, 5},
                new int[] {3, 40, 33, 64},
                new int[] {1, 33, 65, 128},
                new int[] {1, 50, 45, 96},
                new int[] {1, 18, 40, 33},
                new int[] {1, 9, 40, 200},
                new int[] {1, 7, 33, 256},
                new int[] {1, 257, 100, 32},
                new int[] {1, 70, 257, 48}));
        if (large()) {
            s.addAll(List.of(
                    new int[] {8, 1024, 1024, 64},
                    new int[] {4, 513, 1000, 128},
                    new int[] {16, 256, 197, 32},
                    new int[] {2, 300, 700, 96},
                    new int[] {2, 200, 333, 256},
                    new int[] {3, 1000, 77, 100},
                    new int[] {70000, 3, 5, 8}));
        }
        return s;
    }

    static AttentionShape shape(int[] d, float scale) {
        return new AttentionShape(d[0], d[1], d[2], d[3], scale);
    }

    static float defaultScale(int dh) {
        return (float) (1 / Math.sqrt(dh));
    }

    // ---- the reference and the device ------------------------------------------------------------------

    /** Inputs q, k, v, go, and the CPU's o, lse, gq, gk, gv. */
    record Case(AttentionShape s, float[] q, float[] k, float[] v, float[] go, float[] o, float[] lse, float[] gq,
                float[] gk, float[] gv) {}

    Case reference(AttentionShape s, float[] q, float[] k, float[] v, float[] go) {
        Storage cq = cpu.upload(q), ck = cpu.upload(k), cv = cpu.upload(v), cgo = cpu.upload(go);
        Storage co = cpu.allocate(DType.F32, q.length), clse = cpu.allocate(DType.F32, s.heads() * s.tq());
        Storage cgq = cpu.allocate(DType.F32, q.length), cgk = cpu.allocate(DType.F32, k.length),
                cgv = cpu.allocate(DType.F32, v.length);
        cpu.attention().forward(s, cq, ck, cv, co, clse);
        cpu.attention().backward(s, cq, ck, cv, co, clse, cgo, cgq, cgk, cgv);
        Case c = new Case(s, q, k, v, go, host(co), host(clse), host(cgq), host(cgk), host(cgv));
        for (Storage t : List.of(cq, ck, cv, cgo, co, clse, cgq, cgk, cgv)) cpu.release(t);
        return c;
    }

    Case randomCase(int[] d, float scale, long seed) {
        AttentionShape s = shape(d, scale);
        int nq = d[0] * d[1] * d[3], nk = d[0] * d[2] * d[3];
        return reference(s, Data.normal(seed, nq), Data.normal(seed + 1, nk), Data.normal(seed + 2, nk),
                Data.normal(seed + 3, nq));
    }

    /** The device's o and lse from the case's inputs. */
    float[][] forward(Case c) {
        CudaStorage q = ops.upload(c.q), k = ops.upload(c.k), v = ops.upload(c.v);
        CudaStorage o = ops.allocate(DType.F32, c.q.length), lse = ops.allocate(DType.F32, c.lse.length);
        cuda.attention().forward(c.s, q, k, v, o, lse);
        float[][] r = {host(o), host(lse)};
        for (CudaStorage t : List.of(q, k, v, o, lse)) ops.release(t);
        return r;
    }

    /** The device's gq, gk, gv from the case's inputs and the CPU's o and lse (so the backward is checked on its own). */
    float[][] backward(Case c) {
        CudaStorage q = ops.upload(c.q), k = ops.upload(c.k), v = ops.upload(c.v), o = ops.upload(c.o);
        CudaStorage lse = ops.upload(c.lse), go = ops.upload(c.go);
        CudaStorage gq = ops.allocate(DType.F32, c.q.length), gk = ops.allocate(DType.F32, c.k.length),
                gv = ops.allocate(DType.F32, c.v.length);
        cuda.attention().backward(c.s, q, k, v, o, lse, go, gq, gk, gv);
        float[][] r = {host(gq), host(gk), host(gv)};
        for (CudaStorage t : List.of(q, k, v, o, lse, go, gq, gk, gv)) ops.release(t);
        return r;
    }

    /** Per row, the magnitude of the terms summed into it (in double, from the CPU's lse and o). */
    record Scales(double[] o, double[] gq, double[] gk, double[] gv) {}

    /**
     * o_i = sum_j P_ij v_j: sum_j P_ij max|v_j|. gv_j = sum_i P_ij dO_i: sum_i P_ij max|dO_i|. With
     * A_ij = sum_c |dO_ic v_jc| + sum_c |dO_ic o_ic|, the magnitude of the terms of dP_ij - D_i:
     * gq_i = scale sum_j dS_ij k_j: |scale| sum_j P_ij A_ij max|k_j|, and gk_j: |scale| sum_i P_ij A_ij max|q_i|.
     * Non-finite terms (NaN inputs) are left out.
     */
    static Scales scales(Case c) {
        AttentionShape s = c.s;
        int heads = s.heads(), tq = s.tq(), tk = s.tk(), dh = s.dh();
        double sc = Math.abs(s.scale());
        double[] o = new double[heads * tq], gq = new double[heads * tq], gk = new double[heads * tk], gv = new double[heads * tk];
        double[] qmax = rowMax(c.q, dh), gomax = rowMax(c.go, dh), kmax = rowMax(c.k, dh), vmax = rowMax(c.v, dh);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < tq; i++) {
                int qi = (h * tq + i) * dh;
                double dOo = 0;
                for (int x = 0; x < dh; x++) dOo += Math.abs((double) c.go[qi + x] * c.o[qi + x]);
                for (int j = 0; j < tk; j++) {
                    int kj = (h * tk + j) * dh;
                    double score = 0, a = dOo;
                    for (int x = 0; x < dh; x++) {
                        score += (double) c.q[qi + x] * s.scale() * c.k[kj + x];
                        a += Math.abs((double) c.go[qi + x] * c.v[kj + x]);
                    }
                    double p = Math.exp(score - c.lse[h * tq + i]);
                    int row = h * tq + i, key = h * tk + j;
                    add(o, row, p * vmax[key]);
                    add(gv, key, p * gomax[row]);
                    add(gq, row, sc * p * a * kmax[key]);
                    add(gk, key, sc * p * a * qmax[row]);
                }
            }
        }
        return new Scales(o, gq, gk, gv);
    }

    private static void add(double[] sums, int i, double term) {
        if (Double.isFinite(term)) sums[i] += term;
    }

    private static double[] rowMax(float[] x, int row) {
        double[] m = new double[x.length / row];
        for (int i = 0; i < x.length; i++) {
            if (Float.isFinite(x[i])) m[i / row] = Math.max(m[i / row], Math.abs(x[i]));
        }
        return m;
    }

    /** Each row of {@code row} elements within tol of its scale plus tol relative. */
    static void checkRows(String what, float[] expected, float[] actual, int row, double[] scale) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int r = 0; r < scale.length; r++) {
            new Close(TOLERANCE, TOLERANCE * scale[r], WHY).check(what + ", row " + r,
                    Arrays.copyOfRange(expected, r * row, (r + 1) * row), Arrays.copyOfRange(actual, r * row, (r + 1) * row));
        }
    }

    void checkForward(String what, Case c, float[][] got) {
        checkRows(what + ": o", c.o, got[0], c.s.dh(), scales(c).o());
        LSE.check(what + ": lse", c.lse, got[1]);
    }

    void checkBackward(String what, Case c, float[][] got) {
        Scales sc = scales(c);
        checkRows(what + ": gq", c.gq, got[0], c.s.dh(), sc.gq());
        checkRows(what + ": gk", c.gk, got[1], c.s.dh(), sc.gk());
        checkRows(what + ": gv", c.gv, got[2], c.s.dh(), sc.gv());
    }

    // ---- tests -----------------------------------------------------------------------------------------

    @Test
    void forwardMatchesTheCpu() {
        long seed = 100;
        for (int[] d : shapes()) {
            Case c = randomCase(d, defaultScale(d[3]), seed += 10);
            checkForward(Arrays.toString(d), c, forward(c));
        }
    }

    @Test
    void backwardMatchesTheCpu() {
        long seed = 200;
        for (int[] d : shapes()) {
            Case c = randomCase(d, defaultScale(d[3]), seed += 10);
            checkBackward(Arrays.toString(d), c, backward(c));
        }
    }

    /** The forward then the backward on the device, as training runs them (the backward reads the device's o and lse). */
    @Test
    void forwardThenBackwardOnTheDevice() {
        int[] d = {2, 45, 77, 64};
        Case c = randomCase(d, defaultScale(64), 300);
        CudaStorage q = ops.upload(c.q), k = ops.upload(c.k), v = ops.upload(c.v), go = ops.upload(c.go);
        CudaStorage o = ops.allocate(DType.F32, c.q.length), lse = ops.allocate(DType.F32, c.lse.length);
        CudaStorage gq = ops.allocate(DType.F32, c.q.length), gk = ops.allocate(DType.F32, c.k.length),
                gv = ops.allocate(DType.F32, c.v.length);
        cuda.attention().forward(c.s, q, k, v, o, lse);
        cuda.attention().backward(c.s, q, k, v, o, lse, go, gq, gk, gv);
        checkForward("chained", c, new float[][] {host(o), host(lse)});
        checkBackward("chained", c, new float[][] {host(gq), host(gk), host(gv)});
        for (CudaStorage t : List.of(q, k, v, go, o, lse, gq, gk, gv)) ops.release(t);
    }

    /**
     * Scales of either sign and a large one: with scale 4 the scores span about +-60, the softmax is
     * nearly one-hot and the running max moves between key tiles, so a wrong rescaling of O or l shows.
     */
    @Test
    void everyScale() {
        int[] d = {2, 35, 99, 32};
        long seed = 400;
        for (float scale : new float[] {1f, -0.5f, 4f, 1e-3f}) {
            Case c = randomCase(d, scale, seed += 10);
            checkForward("scale " + scale, c, forward(c));
            checkBackward("scale " + scale, c, backward(c));
        }
    }

    /** The largest score late in the keys: every row's max rises in the last tile, after the others were summed. */
    @Test
    void maxInTheLastKeyTile() {
        int[] d = {1, 40, 97, 16};
        AttentionShape s = shape(d, 0.25f);
        float[] q = Data.uniform(501, d[1] * d[3], 0.5f, 1f), k = Data.uniform(502, d[2] * d[3], -1f, 0f);
        for (int c = 0; c < d[3]; c++) k[(d[2] - 1) * d[3] + c] = 8f; // key 96 scores ~ +12, the others <= 0
        Case c = reference(s, q, k, Data.normal(503, d[2] * d[3]), Data.normal(504, d[1] * d[3]));
        checkForward("late max", c, forward(c));
        checkBackward("late max", c, backward(c));
    }

    /** With a single key softmax is exactly 1: o = v, lse = the score, gv = sum of go, bit for bit on both sides. */
    @Test
    void singleKeyIsExact() {
        int[] d = {3, 45, 1, 40};
        Case c = randomCase(d, defaultScale(40), 600);
        float[][] f = forward(c);
        BITS.check("o", c.o, f[0]);
        BITS.check("lse", c.lse, f[1]);
        for (int h = 0; h < d[0]; h++) { // o is v repeated: the check above is not vacuous
            for (int i = 0; i < d[1]; i++) {
                for (int j = 0; j < d[3]; j++) assertEquals(c.v[h * d[3] + j], f[0][(h * d[1] + i) * d[3] + j]);
            }
        }
        BITS.check("gv", c.gv, backward(c)[2]);
    }

    /** A NaN in one query row spoils that row only; a NaN in a key spoils every row of its head; as on the CPU. */
    @Test
    void nanPropagatesAsOnTheCpu() {
        int[] d = {2, 20, 40, 24};
        int nq = d[0] * d[1] * d[3], nk = d[0] * d[2] * d[3];
        float[] q = Data.normal(701, nq), k = Data.normal(702, nk);
        q[5 * d[3] + 3] = Float.NaN;                    // head 0, query 5
        k[(d[2] + 33) * d[3] + 7] = Float.NaN;           // head 1, key 33
        Case c = reference(shape(d, 0.3f), q, k, Data.normal(703, nk), Data.normal(704, nq));
        assertTrue(Float.isNaN(c.o[5 * d[3]]) && !Float.isNaN(c.o[6 * d[3]]), "the CPU's NaN pattern");
        checkForward("NaN", c, forward(c));
        checkBackward("NaN", c, backward(c));
    }

    /**
     * The same launches repeated (on the emulator under other block and thread orders) give the same
     * bits: no result depends on scheduling, and a missing barrier or an unordered sum would show here.
     */
    @Test
    void deterministicAcrossRunsAndSchedules() {
        int[] d = {2, 70, 90, 64};
        Case c = randomCase(d, defaultScale(64), 800);
        float[][] f0 = forward(c), b0 = backward(c);
        for (int run = 1; run <= 2; run++) {
            reschedule(ops.device(), run);
            float[][] f = forward(c), b = backward(c);
            for (int i = 0; i < f.length; i++) assertArrayEquals(f0[i], f[i], "forward output " + i + ", run " + run);
            for (int i = 0; i < b.length; i++) assertArrayEquals(b0[i], b[i], "backward output " + i + ", run " + run);
        }
        reschedule(ops.device(), 0);
        checkForward("repeat", c, f0);
        checkBackward("repeat", c, b0);
    }

    /** More heads than the grid's y extent: blocks loop over heads (the limit is lowered to reach that loop with few heads). */
    @Test
    void blocksLoopOverHeads() {
        CudaBackend narrow = new CudaBackend("narrow grid", device, CudaGemm.Matmul.TF32, false, 2);
        CudaRuntime ops = narrow.runtime();
        int[] d = {5, 40, 37, 20};
        Case c = randomCase(d, defaultScale(20), 900);
        CudaStorage q = ops.upload(c.q), k = ops.upload(c.k), v = ops.upload(c.v), go = ops.upload(c.go);
        CudaStorage o = ops.allocate(DType.F32, c.q.length), lse = ops.allocate(DType.F32, c.lse.length);
        CudaStorage gq = ops.allocate(DType.F32, c.q.length), gk = ops.allocate(DType.F32, c.k.length),
                gv = ops.allocate(DType.F32, c.v.length);
        narrow.attention().forward(c.s, q, k, v, o, lse);
        checkForward("3 heads per block", c, new float[][] {host(o), host(lse)});
        CudaStorage co = ops.upload(c.o), clse = ops.upload(c.lse);
        narrow.attention().backward(c.s, q, k, v, co, clse, go, gq, gk, gv);
        checkBackward("3 heads per block", c, new float[][] {host(gq), host(gk), host(gv)});
        for (CudaStorage t : List.of(q, k, v, go, o, lse, gq, gk, gv, co, clse)) ops.release(t);
    }

    /**
     * The packed layout (q, k, v in one (B, T, 3, H, dh) projection, o as (B, T, H, dh)) only moves where rows
     * are read and written: the device gives the same bits as on the split arrays, forward and backward, at
     * several head widths and lengths that are not tile multiples. A packed call with three storages is refused.
     */
    @Test
    void thePackedLayoutGivesTheBitsOfTheSplitArrays() {
        for (int[] d : List.of(new int[] {2, 3, 18, 24}, new int[] {1, 1, 1, 8}, new int[] {3, 2, 40, 64}, new int[] {1, 2, 33, 100})) {
            int images = d[0], heads = d[1], t = d[2], dh = d[3], n = images * heads * t * dh;
            AttentionShape packed = AttentionShape.packed(images, heads, t, dh, defaultScale(dh));
            AttentionShape split = new AttentionShape(images * heads, t, t, dh, defaultScale(dh));
            float[] qkv = Data.normal(61 + t, 3 * n), go = Data.normal(62 + t, n);
            // host-side split: row t of head (b, h) of part which
            float[][] parts = new float[3][n];
            float[] goSplit = new float[n];
            for (int b = 0; b < images; b++) {
                for (int h = 0; h < heads; h++) {
                    for (int r = 0; r < t; r++) {
                        int to = ((b * heads + h) * t + r) * dh;
                        for (int w = 0; w < 3; w++) System.arraycopy(qkv, packed.qRow(b * heads + h, r) + w * heads * dh, parts[w], to, dh);
                        System.arraycopy(go, packed.oRow(b * heads + h, r), goSplit, to, dh);
                    }
                }
            }
            CudaStorage x = ops.upload(qkv), g = ops.upload(go), o = ops.allocate(DType.F32, n),
                    lse = ops.allocate(DType.F32, images * heads * t), gx = ops.allocate(DType.F32, 3 * n);
            cuda.attention().forward(packed, x, x, x, o, lse);
            cuda.attention().backward(packed, x, x, x, o, lse, g, gx, gx, gx);
            float[] po = host(o), plse = host(lse), pg = host(gx);
            CudaStorage q = ops.upload(parts[0]), k = ops.upload(parts[1]), v = ops.upload(parts[2]), gs = ops.upload(goSplit);
            CudaStorage so = ops.allocate(DType.F32, n), slse = ops.allocate(DType.F32, images * heads * t);
            CudaStorage gq = ops.allocate(DType.F32, n), gk = ops.allocate(DType.F32, n), gv = ops.allocate(DType.F32, n);
            cuda.attention().forward(split, q, k, v, so, slse);
            cuda.attention().backward(split, q, k, v, so, slse, gs, gq, gk, gv);
            float[] sOut = host(so);
            float[][] sGrad = {host(gq), host(gk), host(gv)};
            String at = Arrays.toString(d);
            assertArrayEquals(host(slse), plse, "lse " + at);
            for (int b = 0; b < images; b++) {
                for (int h = 0; h < heads; h++) {
                    for (int r = 0; r < t; r++) {
                        int from = ((b * heads + h) * t + r) * dh;
                        assertArrayEquals(Arrays.copyOfRange(sOut, from, from + dh),
                                Arrays.copyOfRange(po, packed.oRow(b * heads + h, r), packed.oRow(b * heads + h, r) + dh), "o " + at);
                        for (int w = 0; w < 3; w++) {
                            int row = packed.qRow(b * heads + h, r) + w * heads * dh;
                            assertArrayEquals(Arrays.copyOfRange(sGrad[w], from, from + dh), Arrays.copyOfRange(pg, row, row + dh),
                                    "gradient part " + w + " " + at);
                        }
                    }
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.attention().forward(packed, q, k, v, so, slse));
            assertTrue(e.getMessage().contains("packed layout takes q, k and v as one storage"), e.getMessage());
            for (CudaStorage s : List.of(x, g, o, lse, gx, q, k, v, gs, so, slse, gq, gk, gv)) ops.release(s);
        }
    }

    @Test
    void misuseFailsWithAMessage() {
        AttentionShape s = new AttentionShape(2, 3, 4, 5, 0.5f);
        CudaStorage q = ops.allocate(DType.F32, 30), k = ops.allocate(DType.F32, 40), v = ops.allocate(DType.F32, 40);
        CudaStorage o = ops.allocate(DType.F32, 30), lse = ops.allocate(DType.F32, 6), shortLse = ops.allocate(DType.F32, 5);
        CudaStorage ints = ops.allocate(DType.I32, 30);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.attention().forward(s, q, k, v, o, shortLse));
        assertEquals("attention: the lse has 5 elements where 6 are needed", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cuda.attention().forward(s, q, k, v, ints, lse));
        assertEquals("attention: the o must be float32, not int32", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cuda.attention().forward(s, q, k, v, q, lse));
        assertEquals("attention: output o is the same storage as input q (attention outputs may not alias its inputs)",
                e.getMessage());
        CudaStorage gk = ops.allocate(DType.F32, 40);
        e = assertThrows(IllegalArgumentException.class,
                () -> cuda.attention().backward(s, q, k, v, o, lse, o, q, gk, gk));
        assertTrue(e.getMessage().startsWith("attention_backward: output gq is the same storage as input q"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> cuda.attention().backward(s, q, k, v, o, lse, o, ints, gk, gk));
        assertEquals("attention_backward: the gq must be float32, not int32", e.getMessage());
        CudaStorage gq = ops.allocate(DType.F32, 30);
        e = assertThrows(IllegalArgumentException.class,
                () -> cuda.attention().backward(s, q, k, v, o, lse, o, gq, gk, gk));
        assertEquals("attention_backward: outputs gk and gv are the same storage", e.getMessage());
        AttentionShape wide = new AttentionShape(1, 1, 1, rrcm.backend.AttentionOps.MAX_DH + 1, 1f);
        e = assertThrows(IllegalArgumentException.class, () -> cuda.attention().forward(wide, q, k, v, o, lse));
        assertEquals("attention: dh = 257 exceeds the widest head, 256", e.getMessage());
        ops.release(lse);
        IllegalStateException released = assertThrows(IllegalStateException.class,
                () -> cuda.attention().forward(s, q, k, v, o, lse));
        assertTrue(released.getMessage().contains("already released"), released.getMessage());
        for (CudaStorage t : List.of(q, k, v, o, shortLse, ints, gk, gq)) ops.release(t);
    }
}
