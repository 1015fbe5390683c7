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
 * The elementwise family, {@link CudaElementwise}, against the CPU's on awkward shapes: sizes 1, sizes that
 * are not multiples of a warp or a float4, every broadcast pattern, unaligned arrays and small grids.
 */
abstract class ElementwiseContract extends FamilyContract {
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
                cpu.elementwise().unary(op, cx, cy);
                CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, n);
                cuda.elementwise().unary(op, gx, gy);
                tolerance(op).check(op + " n=" + n, run(cy), run(gy));
                cuda.elementwise().unary(op, gx, gx); // in place
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
                cpu.elementwise().unary(op, cx, cy);
                cpu.elementwise().unaryBackward(op, cx, cy, cg, cgx);
                // the device gets the CPU's y, so that only the derivative is compared
                CudaStorage x2 = ops.upload(x), y2 = ops.upload(run(cy)), g2 = ops.upload(gy), gx2 = ops.allocate(DType.F32, n);
                cuda.elementwise().unaryBackward(op, x2, y2, g2, gx2);
                // A GPU's nvcc may fuse a product and a sum into one fma (tools/test runs these contracts again on an
                // emulator built that way), so a bound must hold either way. TANH's 1 - y^2 cancels: y^2 rounded first
                // (the CPU) or fused (a GPU) differ by half an ulp of y^2, which is up to 6e-8 |gy| absolute.
                Close tol = op == UnaryOp.GELU ? TRANSCENDENTAL
                        : op == UnaryOp.TANH ? new Close(2e-7, 6e-8 * maxAbs(gy), "gy (1 - y^2): y^2 rounded or fused into an fma, "
                                + "half an ulp of y^2 apart before the cancellation")
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
                    cpu.elementwise().scalar(op, cx, s, cy);
                    CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, n);
                    cuda.elementwise().scalar(op, gx, s, gy);
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
                cpu.elementwise().binary(op, ca, c[0], cb, c[1], co, c[2]);
                CudaStorage ga = ops.upload(a), gb = ops.upload(b), go = ops.allocate(DType.F32, numel(c[2]));
                cuda.elementwise().binary(op, ga, c[0], gb, c[1], go, c[2]);
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
        cpu.elementwise().binary(BinaryOp.MUL, ca, new int[] {4, 6}, cb, new int[] {4, 6}, co, new int[] {4, 6});
        CudaStorage ga = ops.upload(a), gb = ops.upload(b);
        cuda.elementwise().binary(BinaryOp.MUL, ga, new int[] {4, 6}, gb, new int[] {4, 6}, ga, new int[] {4, 6});
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
            cpu.elementwise().expand(cx, c[0], cy, c[1]);
            CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, numel(c[1]));
            cuda.elementwise().expand(gx, c[0], gy, c[1]);
            EXACT_ARITHMETIC.check("expand " + Arrays.deepToString(c), run(cy), run(gy));
            ops.release(gx);
            ops.release(gy);
        }
    }

    /**
     * The elementwise kernels launched directly on arrays that start 1, 2 or 3 floats into their buffers
     * (the element-wise paths: storages always start aligned, so only a direct launch reaches them) and on
     * grids much smaller than CudaRuntime uses: each must give the bits of the aligned float4 path, checked
     * against the CPU above, and write nothing outside its range.
     */
    @Test
    void elementwiseKernelsGiveTheSameBitsOnUnalignedArraysAndSmallGrids() {
        int rows = 5, cols = 8, n = rows * cols;
        int[] shape = {rows, cols}, row = {1, cols};
        float[] x = Data.uniform(31, n, -2f, 2f), b = Data.uniform(32, n, -2f, 2f), r = Data.uniform(33, cols, -2f, 2f);
        // the aligned results, through the family
        CudaStorage ax = ops.upload(x), ab = ops.upload(b), ar = ops.upload(r), out = ops.allocate(DType.F32, n);
        cuda.elementwise().unary(UnaryOp.GELU, ax, out);
        float[] gelu = run(out);
        cuda.elementwise().unaryBackward(UnaryOp.GELU, ax, null, ab, out);
        float[] geluBackward = run(out);
        cuda.elementwise().scalar(ScalarOp.POW, ax, 3f, out);
        float[] cube = run(out);
        cuda.elementwise().binary(BinaryOp.DIV, ax, shape, ab, shape, out, shape);
        float[] quotient = run(out);
        cuda.elementwise().binary(BinaryOp.SUB, ax, shape, ar, row, out, shape);
        float[] centred = run(out);
        cuda.elementwise().expand(ar, row, out, shape);
        float[] expanded = run(out);
        for (CudaStorage t : List.of(ax, ab, ar, out)) ops.release(t);

        rrcm.device.Dim3[][] launches = {{rrcm.device.Dim3.of(1), rrcm.device.Dim3.of(32)},
                {rrcm.device.Dim3.of(2), rrcm.device.Dim3.of(64)}};
        int[] bin = ShapePlans.words(rrcm.backend.ShapePlan.broadcast("binary", shape, shape, shape));
        int[] bcast = ShapePlans.words(rrcm.backend.ShapePlan.broadcast("binary", shape, row, shape));
        int[] exp = ShapePlans.words(rrcm.backend.ShapePlan.broadcast("expand", row, row, shape));
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

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x));
        return m;
    }
}
