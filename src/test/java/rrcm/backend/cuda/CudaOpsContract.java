package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import rrcm.backend.BinaryOp;
import rrcm.backend.DType;
import rrcm.backend.Gemm;
import rrcm.backend.ReduceOp;
import rrcm.backend.ScalarOp;
import rrcm.backend.Storage;
import rrcm.backend.UnaryOp;
import rrcm.backend.cpu.CpuBackend;
import rrcm.device.Device;
import rrcm.testing.Close;
import rrcm.testing.Data;

/**
 * Every method of {@link CudaOps} against the CPU backend, the reference, on awkward shapes: sizes 1,
 * sizes that are not multiples of a warp, a tile or a float4, every broadcast pattern, every
 * transposition of a GEMM. Subclasses choose the device: the emulator in CI, a GPU (tagged) with
 * larger shapes added by {@link #large()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CudaOpsContract {
    /** Elementwise arithmetic (+, *, /, sqrt) is correctly rounded on both sides. */
    static final Close EXACT_ARITHMETIC = new Close(0, 0, "IEEE +, -, *, /, sqrt and comparisons are correctly rounded everywhere");
    /** exp, log, tanh, erf, pow: the CPU backend's own exp and Phi and java.lang.Math against CUDA's (or glibc's) functions, a few ulp each. */
    static final Close TRANSCENDENTAL = new Close(8e-6, 1e-7, "library transcendental functions differ by a few ulp between the CPU backend and CUDA/glibc");

    private CpuBackend cpu;
    CudaOps ops;
    CudaOps exact;
    private Device device;

    /** The device under test. */
    abstract Device openDevice();

    /** Whether to add GPU-sized shapes (too slow for the emulator). */
    abstract boolean large();

    @BeforeAll
    void setUp() {
        cpu = new CpuBackend(2);
        device = openDevice();
        ops = new CudaOps(device, CudaOps.Matmul.TF32);
        exact = new CudaOps(device, CudaOps.Matmul.FP32);
    }

    @AfterAll
    void tearDown() {
        if (ops != null) ops.close();
        if (exact != null) exact.close();
        if (device != null) device.close();
        cpu.close();
    }

    float[] run(CudaStorage s) {
        float[] x = new float[s.numel()];
        ops.download(s, x);
        return x;
    }

    float[] run(Storage s) {
        float[] x = new float[s.numel()];
        cpu.download(s, x);
        return x;
    }

    static int numel(int[] shape) {
        return Data.numel(shape);
    }

    // ---- storage ----------------------------------------------------------------------------------------

    @Test
    void uploadDownloadCopyFillAndConvert() {
        float[] x = Data.normal(1, 1027);
        CudaStorage s = ops.upload(x);
        assertArrayEquals(x, run(s));
        CudaStorage t = ops.allocate(DType.F32, 1030);
        ops.fill(t, 2.5f);
        ops.copy(s, 5, t, 1, 1000);
        float[] expected = new float[1030];
        Arrays.fill(expected, 2.5f);
        System.arraycopy(x, 5, expected, 1, 1000);
        assertArrayEquals(expected, run(t));

        float[] odd = {1.9f, -1.9f, 0.5f, -0f, Float.NaN, 3e9f, -3e9f, 16777217f, Float.POSITIVE_INFINITY};
        CudaStorage f = ops.upload(odd);
        CudaStorage i = ops.allocate(DType.I32, odd.length);
        ops.convert(f, i);
        int[] got = new int[odd.length];
        ops.download(i, got);
        int[] want = new int[odd.length];
        for (int k = 0; k < odd.length; k++) want[k] = (int) odd[k];
        assertArrayEquals(want, got, "float to int truncates toward zero and saturates, NaN to 0, as Java's cast");
        CudaStorage back = ops.allocate(DType.F32, odd.length);
        ops.convert(i, back);
        float[] wantBack = new float[odd.length];
        for (int k = 0; k < odd.length; k++) wantBack[k] = want[k];
        assertArrayEquals(wantBack, run(back));
        ops.fill(i, -7.9f);
        ops.download(i, got);
        for (int v : got) assertEquals(-7, v);
        for (CudaStorage r : List.of(s, t, f, i, back)) ops.release(r);
    }

    @Test
    void misuseFailsWithAMessage() {
        CudaStorage s = ops.upload(new float[4]);
        ops.release(s);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ops.unary(UnaryOp.NEG, s, s));
        assertEquals("unary: storage was already released (a tensor used after its memory scope closed)", e.getMessage());
        CudaStorage a = ops.upload(new float[6]), b = ops.upload(new float[4]), out = ops.allocate(DType.F32, 6);
        assertThrows(IllegalArgumentException.class,
                () -> ops.binary(BinaryOp.ADD, a, new int[] {2, 3}, b, new int[] {4}, out, new int[] {2, 3}));
        for (CudaStorage r : List.of(a, b, out)) ops.release(r);
    }

    // ---- elementwise -----------------------------------------------------------------------------------------

    static final int[] SIZES = {1, 3, 31, 33, 1027};

    static float[] inputFor(UnaryOp op, long seed, int n) {
        return switch (op) {
            case LOG, SQRT -> Data.uniform(seed, n, 0.05f, 6f);
            default -> Data.uniform(seed, n, -6f, 6f);
        };
    }

    static Close tolerance(UnaryOp op) {
        return switch (op) {
            case NEG, SQRT, RELU, ABS -> EXACT_ARITHMETIC;
            default -> TRANSCENDENTAL;
        };
    }

    @Test
    void unaryMatchesTheCpu() {
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : SIZES) {
                float[] x = inputFor(op, n, n);
                Storage cx = cpu.upload(x), cy = cpu.allocate(DType.F32, n);
                cpu.unary(op, cx, cy);
                CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, n);
                ops.unary(op, gx, gy);
                tolerance(op).check(op + " n=" + n, run(cy), run(gy));
                ops.unary(op, gx, gx); // in place
                tolerance(op).check(op + " in place n=" + n, run(cy), run(gx));
                ops.release(gx);
                ops.release(gy);
            }
        }
    }

    @Test
    void unaryBackwardMatchesTheCpu() {
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : SIZES) {
                float[] x = inputFor(op, 10 + n, n), gy = Data.normal(20 + n, n);
                Storage cx = cpu.upload(x), cy = cpu.allocate(DType.F32, n), cg = cpu.upload(gy), cgx = cpu.allocate(DType.F32, n);
                cpu.unary(op, cx, cy);
                cpu.unaryBackward(op, cx, cy, cg, cgx);
                // the device gets the CPU's y, so that only the derivative is compared
                CudaStorage x2 = ops.upload(x), y2 = ops.upload(run(cy)), g2 = ops.upload(gy), gx2 = ops.allocate(DType.F32, n);
                ops.unaryBackward(op, x2, y2, g2, gx2);
                Close tol = op == UnaryOp.GELU ? TRANSCENDENTAL
                        : new Close(2e-7, 0, "gy * f'(t) with f' in +, -, *, /: at most one rounding apart (gy * (1 / x) against gy / x)");
                tol.check(op + " backward n=" + n, run(cgx), run(gx2));
                for (CudaStorage r : List.of(x2, y2, g2, gx2)) ops.release(r);
            }
        }
    }

    @Test
    void scalarMatchesTheCpu() {
        for (ScalarOp op : ScalarOp.values()) {
            float[] scalars = op == ScalarOp.POW ? new float[] {2f, 0.5f, 3f, 1.7f} : new float[] {0.75f, -3f};
            for (float s : scalars) {
                for (int n : SIZES) {
                    float[] x = op == ScalarOp.POW || op == ScalarOp.RDIV ? Data.uniform(n, n, 0.1f, 4f) : Data.normal(n, n);
                    Storage cx = cpu.upload(x), cy = cpu.allocate(DType.F32, n);
                    cpu.scalar(op, cx, s, cy);
                    CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, n);
                    ops.scalar(op, gx, s, gy);
                    Close tol = op == ScalarOp.POW && s != 2f && s != 0.5f
                            ? new Close(4e-7, 0, "powf against Math.pow rounded to float: within 2 ulp") : EXACT_ARITHMETIC;
                    tol.check(op + " " + s + " n=" + n, run(cy), run(gy));
                    ops.release(gx);
                    ops.release(gy);
                }
            }
        }
    }

    /** {a shape, b shape, out shape}: equal shapes, bias rows, scalars, outer products, rank mismatch, size-1 axes. */
    static final int[][][] BROADCASTS = {
        {{3, 5}, {3, 5}, {3, 5}},
        {{4, 8}, {8}, {4, 8}},
        {{4, 7}, {7}, {4, 7}},
        {{6, 12}, {6, 1}, {6, 12}},
        {{1}, {9, 4}, {9, 4}},
        {{5, 1}, {1, 6}, {5, 6}},
        {{2, 1, 4}, {3, 1}, {2, 3, 4}},
        {{2, 3, 4}, {3, 1}, {2, 3, 4}},
        {{2, 1, 3, 1, 8}, {1, 5, 3, 7, 1}, {2, 5, 3, 7, 8}},
        {{1}, {1}, {1}},
        {{37, 1, 1}, {37, 1, 1}, {37, 1, 1}},
        {{129, 33}, {129, 33}, {129, 33}},
    };

    @Test
    void binaryWithBroadcastingMatchesTheCpu() {
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] c : BROADCASTS) {
                // rounded values, so that EQ and MAX/MIN see ties
                float[] a = round(Data.normal(numel(c[0]), numel(c[0]))), b = round(Data.normal(7 + numel(c[1]), numel(c[1])));
                Storage ca = cpu.upload(a), cb = cpu.upload(b), co = cpu.allocate(DType.F32, numel(c[2]));
                cpu.binary(op, ca, c[0], cb, c[1], co, c[2]);
                CudaStorage ga = ops.upload(a), gb = ops.upload(b), go = ops.allocate(DType.F32, numel(c[2]));
                ops.binary(op, ga, c[0], gb, c[1], go, c[2]);
                EXACT_ARITHMETIC.check(op + " " + Arrays.deepToString(c), run(co), run(go));
                for (CudaStorage r : List.of(ga, gb, go)) ops.release(r);
            }
        }
    }

    static float[] round(float[] x) {
        for (int i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 4) / 4f;
        return x;
    }

    @Test
    void binaryMayWriteIntoAnOperand() {
        float[] a = Data.normal(3, 24), b = Data.normal(4, 24);
        Storage ca = cpu.upload(a), cb = cpu.upload(b), co = cpu.allocate(DType.F32, 24);
        cpu.binary(BinaryOp.MUL, ca, new int[] {4, 6}, cb, new int[] {4, 6}, co, new int[] {4, 6});
        CudaStorage ga = ops.upload(a), gb = ops.upload(b);
        ops.binary(BinaryOp.MUL, ga, new int[] {4, 6}, gb, new int[] {4, 6}, ga, new int[] {4, 6});
        EXACT_ARITHMETIC.check("a *= b", run(co), run(ga));
        ops.release(ga);
        ops.release(gb);
    }

    @Test
    void expandMatchesTheCpu() {
        int[][][] cases = {{{3, 1}, {3, 4}}, {{1, 5}, {4, 5}}, {{4}, {2, 3, 4}}, {{}, {2, 2}}, {{2, 1, 3}, {2, 5, 3}},
                {{1, 1}, {1, 1}}, {{8}, {3, 8}}};
        for (int[][] c : cases) {
            float[] x = Data.normal(numel(c[0]), numel(c[0]));
            Storage cx = cpu.upload(x), cy = cpu.allocate(DType.F32, numel(c[1]));
            cpu.expand(cx, c[0], cy, c[1]);
            CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, numel(c[1]));
            ops.expand(gx, c[0], gy, c[1]);
            EXACT_ARITHMETIC.check("expand " + Arrays.deepToString(c), run(cy), run(gy));
            ops.release(gx);
            ops.release(gy);
        }
    }

    // ---- reductions -----------------------------------------------------------------------------------------------

    List<int[][]> reductions() {
        List<int[][]> cases = new ArrayList<>(List.of(
                new int[][] {{1}, {1}},
                new int[][] {{7}, {1}},
                new int[][] {{20000}, {1}},          // one long row: split into partial sums
                new int[][] {{3, 5}, {3, 1}},
                new int[][] {{3, 5}, {1, 5}},
                new int[][] {{3, 5}, {1, 1}},
                new int[][] {{4, 3, 5}, {1, 3, 1}},  // two separate groups: two passes
                new int[][] {{1000, 7}, {1, 7}},     // long columns: split
                new int[][] {{2, 3000, 5}, {2, 1, 5}},
                new int[][] {{6, 1, 4}, {6, 1, 4}},  // nothing to reduce
                new int[][] {{33, 65}, {33, 1}},
                new int[][] {{5, 1, 40}, {1, 1, 40}}));
        if (large()) {
            cases.add(new int[][] {{1 << 22}, {1}});
            cases.add(new int[][] {{256, 197, 768}, {256, 197, 1}});
            cases.add(new int[][] {{4096, 768}, {1, 768}});
        }
        return cases;
    }

    /**
     * The elementwise kernels launched directly on arrays that start 1, 2 or 3 floats into their buffers
     * (the element-wise paths: storages always start aligned, so only a direct launch reaches them) and on
     * grids much smaller than CudaOps uses: each must give the bits of the aligned float4 path, checked
     * against the CPU above, and write nothing outside its range.
     */
    @Test
    void elementwiseKernelsGiveTheSameBitsOnUnalignedArraysAndSmallGrids() {
        int rows = 5, cols = 8, n = rows * cols;
        int[] shape = {rows, cols}, row = {1, cols};
        float[] x = Data.uniform(31, n, -2f, 2f), b = Data.uniform(32, n, -2f, 2f), r = Data.uniform(33, cols, -2f, 2f);
        // the aligned results, through CudaOps
        CudaStorage ax = ops.upload(x), ab = ops.upload(b), ar = ops.upload(r), out = ops.allocate(DType.F32, n);
        ops.unary(UnaryOp.GELU, ax, out);
        float[] gelu = run(out);
        ops.unaryBackward(UnaryOp.GELU, ax, null, ab, out);
        float[] geluBackward = run(out);
        ops.scalar(ScalarOp.POW, ax, 3f, out);
        float[] cube = run(out);
        ops.binary(BinaryOp.DIV, ax, shape, ab, shape, out, shape);
        float[] quotient = run(out);
        ops.binary(BinaryOp.SUB, ax, shape, ar, row, out, shape);
        float[] centred = run(out);
        ops.expand(ar, row, out, shape);
        float[] expanded = run(out);
        for (CudaStorage t : List.of(ax, ab, ar, out)) ops.release(t);

        rrcm.device.Dim3[][] launches = {{rrcm.device.Dim3.of(1), rrcm.device.Dim3.of(32)},
                {rrcm.device.Dim3.of(2), rrcm.device.Dim3.of(64)}};
        int[] bin = ShapePlans.words(ShapePlans.broadcast("binary", shape, shape, shape));
        int[] bcast = ShapePlans.words(ShapePlans.broadcast("binary", shape, row, shape));
        int[] exp = ShapePlans.words(ShapePlans.broadcast("expand", row, row, shape));
        for (rrcm.device.Dim3[] l : launches) {
            for (int shift = 0; shift < 4; shift++) {
                String where = "grid " + l[0] + " block " + l[1] + ", arrays at float " + shift;
                long at = 4L * shift;
                CudaStorage sx = shifted(x, shift), sb = shifted(b, shift), sr = shifted(r, shift);
                CudaStorage so = shifted(new float[n], shift);
                launch(l, "ew_unary", rrcm.device.KernelArgs.of().i32(OpCodes.unary(UnaryOp.GELU)).ptr(sx.buffer(), at)
                        .ptr(so.buffer(), at).i32(n));
                assertShifted(gelu, so, shift, "GELU, " + where);
                launch(l, "ew_unary_backward", rrcm.device.KernelArgs.of().i32(OpCodes.unary(UnaryOp.GELU))
                        .ptr(sx.buffer(), at).ptr(sb.buffer(), at).ptr(so.buffer(), at).i32(n));
                assertShifted(geluBackward, so, shift, "GELU backward, " + where);
                launch(l, "ew_scalar", rrcm.device.KernelArgs.of().i32(OpCodes.scalar(ScalarOp.POW)).ptr(sx.buffer(), at)
                        .f32(3f).ptr(so.buffer(), at).i32(n));
                assertShifted(cube, so, shift, "pow 3, " + where);
                launch(l, "ew_binary", rrcm.device.KernelArgs.of().i32(OpCodes.binary(BinaryOp.DIV)).ptr(sx.buffer(), at)
                        .ptr(sb.buffer(), at).ptr(so.buffer(), at).struct(bin).i32(1));
                assertShifted(quotient, so, shift, "a / b, " + where);
                launch(l, "ew_binary", rrcm.device.KernelArgs.of().i32(OpCodes.binary(BinaryOp.SUB)).ptr(sx.buffer(), at)
                        .ptr(sr.buffer(), at).ptr(so.buffer(), at).struct(bcast).i32(1));
                assertShifted(centred, so, shift, "a - row, " + where);
                launch(l, "ew_expand", rrcm.device.KernelArgs.of().ptr(sr.buffer(), at).ptr(so.buffer(), at).struct(exp).i32(1));
                assertShifted(expanded, so, shift, "expand, " + where);
                launch(l, "ew_fill_f32", rrcm.device.KernelArgs.of().ptr(so.buffer(), at).f32(0.75f).i32(n));
                float[] fill = new float[n];
                Arrays.fill(fill, 0.75f);
                assertShifted(fill, so, shift, "fill, " + where);
                for (CudaStorage t : List.of(sx, sb, sr, so)) ops.release(t);
            }
        }
    }

    private void launch(rrcm.device.Dim3[] grid, String kernel, rrcm.device.KernelArgs args) {
        ops.device().launch(kernel, grid[0], grid[1], 0, args);
    }

    /** A storage holding x from float {@code shift} on, with a marker (-99) before it and three after. */
    private CudaStorage shifted(float[] x, int shift) {
        float[] padded = new float[x.length + 3];
        Arrays.fill(padded, -99f);
        System.arraycopy(x, 0, padded, shift, x.length);
        return ops.upload(padded);
    }

    private void assertShifted(float[] want, CudaStorage s, int shift, String what) {
        float[] got = run(s);
        for (int i = 0; i < got.length; i++) {
            boolean inside = i >= shift && i < shift + want.length;
            float expected = inside ? want[i - shift] : -99f;
            if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": element " + i + (inside ? "" : " (outside the range)") + " is " + got[i] + ", the aligned path gives "
                        + expected);
            }
        }
    }

    @Test
    void reduceMatchesTheCpu() {
        for (ReduceOp op : ReduceOp.values()) {
            for (int[][] c : reductions()) {
                float[] x = Data.normal(numel(c[0]), numel(c[0]));
                Storage cx = cpu.upload(x), cy = cpu.allocate(DType.F32, numel(c[1]));
                cpu.reduce(op, cx, c[0], cy, c[1]);
                CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, numel(c[1]));
                ops.reduce(op, gx, c[0], gy, c[1]);
                long count = numel(c[0]) / numel(c[1]);
                Close tol = op == ReduceOp.MAX || op == ReduceOp.MIN ? EXACT_ARITHMETIC
                        : new Close(1e-5, 1e-6 * Math.sqrt(count), "float sums in another order: error grows with the square root of the count");
                tol.check(op + " " + Arrays.deepToString(c), run(cy), run(gy));
                ops.release(gx);
                ops.release(gy);
            }
        }
    }

    @Test
    void maxAndMinPropagateNaNAsJavaDoes() {
        float[] x = {1, Float.NaN, 3, -2, 5, 0};
        for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
            Storage cx = cpu.upload(x), cy = cpu.allocate(DType.F32, 2);
            cpu.reduce(op, cx, new int[] {2, 3}, cy, new int[] {2, 1});
            CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, 2);
            ops.reduce(op, gx, new int[] {2, 3}, gy, new int[] {2, 1});
            EXACT_ARITHMETIC.check(op + " with NaN", run(cy), run(gy));
            ops.release(gx);
            ops.release(gy);
        }
    }

    // ---- GEMM -----------------------------------------------------------------------------------------------------

    List<Gemm> products() {
        List<Gemm> gs = new ArrayList<>();
        int[][] mnk = {{1, 1, 1}, {7, 5, 3}, {64, 64, 64}, {65, 63, 33}, {100, 130, 70}, {17, 200, 9}};
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) gs.add(Gemm.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
        }
        // batched, with a shared (stride 0) right operand, alpha and accumulation
        gs.add(new Gemm(3, 33, 20, 17, false, true, 33 * 17, 0, 33 * 20, 0.5f, 0f));
        gs.add(new Gemm(4, 20, 31, 40, true, false, 40 * 20, 40 * 31, 20 * 31, 1f, 1f));
        if (large()) {
            gs.add(Gemm.of(3152, 768, 768, false, true));   // ViT-B qkv-sized, B = 16 images
            gs.add(Gemm.of(3152, 3072, 768, false, true));
            gs.add(Gemm.of(768, 3072, 3152, true, false));  // a weight gradient
            gs.add(new Gemm(192, 197, 197, 64, false, true, 197 * 64, 197 * 64, 197 * 197, 0.125f, 0f)); // attention scores
        }
        return gs;
    }

    static String name(Gemm g) {
        return "gemm batch=" + g.batch() + " m=" + g.m() + " n=" + g.n() + " k=" + g.k() + " tA=" + g.transA() + " tB="
                + g.transB() + " alpha=" + g.alpha() + " beta=" + g.beta();
    }

    @Test
    void gemmMatchesTheCpuWithinTheTf32AndFp32Bounds() {
        for (Gemm g : products()) {
            int na = (g.batch() - 1) * g.strideA() + g.m() * g.k(), nb = (g.batch() - 1) * g.strideB() + g.k() * g.n();
            int nc = (g.batch() - 1) * g.strideC() + g.m() * g.n();
            float[] a = Data.normal(na, na), b = Data.normal(nb + 1, nb), c0 = Data.normal(nc + 2, nc);
            if (g.beta() == 0f) c0[0] = Float.NaN; // beta = 0 must not read C
            Storage ca = cpu.upload(a), cb = cpu.upload(b), cc = cpu.upload(c0);
            cpu.gemm(g, ca, cb, cc);
            float[] expected = run(cc);
            // the scale of each element: (|alpha| |A| |B|)_ij, which bounds the rounding error of the products
            float[] absA = a.clone(), absB = b.clone();
            for (int i = 0; i < absA.length; i++) absA[i] = Math.abs(absA[i]);
            for (int i = 0; i < absB.length; i++) absB[i] = Math.abs(absB[i]);
            Storage sa = cpu.upload(absA), sb = cpu.upload(absB), sc = cpu.allocate(DType.F32, nc);
            cpu.fill(sc, 0f);
            Gemm mag = new Gemm(g.batch(), g.m(), g.n(), g.k(), g.transA(), g.transB(), g.strideA(), g.strideB(), g.strideC(),
                    Math.abs(g.alpha()), 0f);
            cpu.gemm(mag, sa, sb, sc);
            float[] scale = run(sc);
            for (CudaOps which : List.of(ops, exact)) {
                CudaStorage ga = which.upload(a), gb = which.upload(b), gc = which.upload(c0);
                which.gemm(g, ga, gb, gc);
                float[] got = new float[nc];
                which.download(gc, got);
                // TF32: each input rounded to 11 significant bits (relative 2^-11), so each product is off by at
                // most 2^-10 of |a||b|; FP32: float accumulation in another order, k * 2^-24 of |a||b| at worst
                double rel = which.matmul() == CudaOps.Matmul.TF32 ? 0x1p-10 * 1.25 : Math.max(16, g.k()) * 0x1p-24;
                String why = which.matmul() + " " + name(g);
                for (int i = 0; i < nc; i++) {
                    double bound = rel * scale[i] + 1e-6 + (g.beta() != 0f ? Math.ulp(Math.abs(c0[i])) : 0);
                    if (!(Math.abs(got[i] - expected[i]) <= bound)) {
                        fail(String.format("%s: C[%d] = %.9g, the CPU gives %.9g, allowed error %.3g (%.3g of sum |a||b| = %.4g)",
                                why, i, got[i], expected[i], bound, rel, scale[i]));
                    }
                }
                for (CudaStorage r : List.of(ga, gb, gc)) which.release(r);
            }
        }
    }

    // ---- layout ---------------------------------------------------------------------------------------------------

    List<int[][]> permutations() {
        List<int[][]> cases = new ArrayList<>();
        cases.add(new int[][] {{3, 4}, {1, 0}});
        cases.add(new int[][] {{64, 65}, {1, 0}});
        cases.add(new int[][] {{1, 7}, {1, 0}});
        cases.add(new int[][] {{5, 7, 33, 35}, {0, 2, 1, 3}});  // keeps the last axis: runs
        cases.add(new int[][] {{5, 7, 33, 35}, {0, 3, 2, 1}});  // tiled, with a batch
        cases.add(new int[][] {{2, 1, 3, 5}, {3, 1, 0, 2}});
        cases.add(new int[][] {{4, 6}, {0, 1}});                // identity: a copy
        int[][] perms3 = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int[] p : perms3) cases.add(new int[][] {{3, 40, 9}, p});
        if (large()) {
            cases.add(new int[][] {{256, 197, 12, 64}, {0, 2, 1, 3}});
            cases.add(new int[][] {{3072, 768}, {1, 0}});
        }
        return cases;
    }

    @Test
    void permuteMatchesTheCpuForFloatsAndInts() {
        for (int[][] c : permutations()) {
            int n = numel(c[0]);
            float[] x = Data.normal(n, n);
            Storage cx = cpu.upload(x), cy = cpu.allocate(DType.F32, n);
            cpu.permute(cx, c[0], c[1], cy);
            CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, n);
            ops.permute(gx, c[0], c[1], gy);
            EXACT_ARITHMETIC.check("permute " + Arrays.deepToString(c), run(cy), run(gy));
            int[] xi = Data.ints(n, n, 1000);
            Storage ci = cpu.upload(xi), co = cpu.allocate(DType.I32, n);
            cpu.permute(ci, c[0], c[1], co);
            CudaStorage gi = ops.upload(xi), go = ops.allocate(DType.I32, n);
            ops.permute(gi, c[0], c[1], go);
            int[] want = new int[n], got = new int[n];
            cpu.download(co, want);
            ops.download(go, got);
            assertArrayEquals(want, got, "int permute " + Arrays.deepToString(c));
            for (CudaStorage r : List.of(gx, gy, gi, go)) ops.release(r);
        }
    }

    @Test
    void copyRowsMatchesTheCpu() {
        float[] src = Data.normal(5, 300), dst = Data.normal(6, 400);
        for (boolean acc : new boolean[] {false, true}) {
            Storage cs = cpu.upload(src), cd = cpu.upload(dst);
            cpu.copyRows(cs, 3, 37, cd, 10, 41, 7, 33, acc);
            CudaStorage gs = ops.upload(src), gd = ops.upload(dst);
            ops.copyRows(gs, 3, 37, gd, 10, 41, 7, 33, acc);
            EXACT_ARITHMETIC.check("copy_rows accumulate=" + acc, run(cd), run(gd));
            ops.release(gs);
            ops.release(gd);
        }
        int[] is = Data.ints(1, 50, 100), id = Data.ints(2, 60, 100);
        Storage cs = cpu.upload(is), cd = cpu.upload(id);
        cpu.copyRows(cs, 0, 10, cd, 2, 12, 5, 10, true);
        CudaStorage gs = ops.upload(is), gd = ops.upload(id);
        ops.copyRows(gs, 0, 10, gd, 2, 12, 5, 10, true);
        int[] want = new int[60], got = new int[60];
        cpu.download(cd, want);
        ops.download(gd, got);
        assertArrayEquals(want, got, "int copy_rows accumulates as ints");
        ops.release(gs);
        ops.release(gd);
    }
}
