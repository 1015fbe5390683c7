package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.testing.Close;
import rrcm.testing.Data;

/**
 * Softmax, layer norm and batch norm on the device against the CPU backend, on rows shorter than a warp,
 * rows that are not multiples of 32, and rows longer than a block; every option (log, with and without
 * weight and bias, with and without parameter gradients, running statistics). Batch norm is compared bit
 * for bit (both sides walk each channel in order with the same roundings); softmax and layer norm within
 * the tolerance of sums in other orders and of CUDA's expf against the CPU's own exp. Subclasses choose
 * the device.
 */
abstract class NormContract extends FamilyContract {
    static final Close ROWS = new Close(3e-5, 2e-6, "sums over a row in another order (block trees against lanes), CUDA's expf/logf against the CPU's own exp");
    static final Close PARAM_GRADS = new Close(1e-4, 1e-5, "column sums over the rows in another order");

    private Storage cpuEmpty(int n) {
        return cpu.allocate(DType.F32, n);
    }

    /** rows x cols: a single element, a short row, off-warp widths, a row longer than a 256-thread block. */
    private int[][] shapes() {
        List<int[]> s = new ArrayList<>(List.of(new int[] {1, 1}, new int[] {3, 5}, new int[] {4, 33}, new int[] {2, 100},
                new int[] {2, 700}));
        if (large()) s.addAll(List.of(new int[] {3200, 768}, new int[] {16, 8192}));
        return s.toArray(new int[0][]);
    }

    @Test
    void softmaxAndLogSoftmaxForwardAndBackwardMatchTheCpu() {
        for (int[] sh : shapes()) {
            int rows = sh[0], cols = sh[1], n = rows * cols;
            float[] x = Data.uniform(1 + cols, n, -8f, 8f), gy = Data.normal(2 + cols, n);
            for (boolean log : new boolean[] {false, true}) {
                Storage cx = cpu.upload(x), cy = cpuEmpty(n), cg = cpu.upload(gy), cgx = cpuEmpty(n);
                cpu.norm().softmax(cx, cy, rows, cols, log);
                cpu.norm().softmaxBackward(cy, cg, cgx, rows, cols, log);
                CudaStorage dx = dev(x), dy = devEmpty(n), dg = dev(gy), dgx = devEmpty(n);
                cuda.norm().softmax(dx, dy, rows, cols, log);
                cuda.norm().softmaxBackward(dy, dg, dgx, rows, cols, log);
                String at = (log ? "log_softmax " : "softmax ") + rows + "x" + cols;
                ROWS.check(at, host(cy), host(dy));
                ROWS.check(at + " backward", host(cgx), host(dgx));
                // the gradient may overwrite the output gradient in place
                cuda.norm().softmaxBackward(dy, dg, dg, rows, cols, log);
                assertArrayEquals(host(dgx), host(dg), at + " backward in place");
                for (Storage s : List.of(cx, cy, cg, cgx)) cpu.release(s);
            }
        }
    }

    @Test
    void softmaxOfNaNAndFullyMaskedRowsIsNaNAsOnTheCpu() {
        float inf = Float.NEGATIVE_INFINITY;
        float[] x = {1, Float.NaN, 2, /* */ inf, inf, inf, /* */ inf, 0, 1};
        Storage cx = cpu.upload(x), cy = cpuEmpty(9);
        cpu.norm().softmax(cx, cy, 3, 3, false);
        CudaStorage dx = dev(x), dy = devEmpty(9);
        cuda.norm().softmax(dx, dy, 3, 3, false);
        float[] want = host(cy), got = host(dy);
        for (int i = 0; i < 6; i++) assertTrue(Float.isNaN(got[i]) && Float.isNaN(want[i]), "element " + i + ": " + got[i]);
        ROWS.check("partly masked row", java.util.Arrays.copyOfRange(want, 6, 9), java.util.Arrays.copyOfRange(got, 6, 9));
        assertEquals(0f, got[6]);
    }

    @Test
    void layerNormForwardAndBackwardMatchTheCpuWithAndWithoutParameters() {
        for (int[] sh : shapes()) {
            int rows = sh[0], cols = sh[1], n = rows * cols;
            float[] x = Data.normal(11 + cols, n), w = Data.normal(12, cols), b = Data.normal(13, cols), gy = Data.normal(14, n);
            x[0] += 3f; // an off-centre row, so that the two-pass variance matters
            for (boolean params : new boolean[] {true, false}) { // parameters and their gradients, or none
                Storage cx = cpu.upload(x), cw = params ? cpu.upload(w) : null, cb = params ? cpu.upload(b) : null;
                Storage cy = cpuEmpty(n), cm = cpuEmpty(rows), cr = cpuEmpty(rows), cg = cpu.upload(gy), cgx = cpuEmpty(n);
                Storage cgw = params ? cpuEmpty(cols) : null, cgb = params ? cpuEmpty(cols) : null;
                cpu.norm().layerNorm(cx, cw, cb, 1e-5f, cy, cm, cr, rows, cols);
                cpu.norm().layerNormBackward(cx, cw, cm, cr, cg, cgx, cgw, cgb, rows, cols);
                CudaStorage dx = dev(x), dw = params ? dev(w) : null, db = params ? dev(b) : null;
                CudaStorage dy = devEmpty(n), dm = devEmpty(rows), dr = devEmpty(rows), dg = dev(gy), dgx = devEmpty(n);
                CudaStorage dgw = params ? devEmpty(cols) : null, dgb = params ? devEmpty(cols) : null;
                cuda.norm().layerNorm(dx, dw, db, 1e-5f, dy, dm, dr, rows, cols);
                cuda.norm().layerNormBackward(dx, dw, dm, dr, dg, dgx, dgw, dgb, rows, cols);
                String at = "layer_norm " + rows + "x" + cols + (params ? " with w, b" : " plain");
                ROWS.check(at + " mean", host(cm), host(dm));
                ROWS.check(at + " rstd", host(cr), host(dr));
                ROWS.check(at + " y", host(cy), host(dy));
                new Close(1e-4, 1e-5, "sums over a row in another order, twice (the two means of the backward)")
                        .check(at + " gx", host(cgx), host(dgx));
                if (params) {
                    PARAM_GRADS.check(at + " gw", host(cgw), host(dgw));
                    PARAM_GRADS.check(at + " gb", host(cgb), host(dgb));
                }
            }
        }
    }

    /** (n, c) batches for the projector's BatchNorm1d: one row, odd sizes, more channels than a block. */
    private int[][] batches() {
        List<int[]> s = new ArrayList<>(List.of(new int[] {1, 3}, new int[] {2, 5}, new int[] {7, 33}, new int[] {16, 300},
                new int[] {150, 40})); // 150 rows: 50 parts of 3, more parts than thread rows; 40 channels: two tiles
        if (large()) s.add(new int[] {512, 2048});
        return s.toArray(new int[0][]);
    }

    @Test
    void batchNormTrainEvalAndBackwardAreTheCpuBackendsBitForBit() {
        for (int[] sh : batches()) {
            int n = sh[0], c = sh[1], numel = n * c;
            float[] x = Data.normal(21 + c, numel), w = Data.normal(22, c), b = Data.normal(23, c), gy = Data.normal(24, numel);
            float[] rm = Data.normal(25, c), rv = Data.uniform(26, c, 0.5f, 2f);
            x[1 % numel] += 5f; // one outlier per batch
            Storage cx = cpu.upload(x), cw = cpu.upload(w), cb = cpu.upload(b), crm = cpu.upload(rm), crv = cpu.upload(rv);
            Storage cy = cpuEmpty(numel), cm = cpuEmpty(c), ci = cpuEmpty(c), cg = cpu.upload(gy), cgx = cpuEmpty(numel);
            Storage cgw = cpuEmpty(c), cgb = cpuEmpty(c), ce = cpuEmpty(numel);
            cpu.norm().batchNormTrain(cx, cw, cb, 1e-5f, 0.1f, crm, crv, cy, cm, ci, n, c);
            cpu.norm().batchNormBackward(cx, cw, cm, ci, cg, cgx, cgw, cgb, n, c);
            cpu.norm().batchNormEval(cx, cw, cb, 1e-5f, crm, crv, ce, n, c);
            CudaStorage dx = dev(x), dw = dev(w), db = dev(b), drm = dev(rm), drv = dev(rv);
            CudaStorage dy = devEmpty(numel), dm = devEmpty(c), di = devEmpty(c), dg = dev(gy), dgx = devEmpty(numel);
            CudaStorage dgw = devEmpty(c), dgb = devEmpty(c), de = devEmpty(numel);
            cuda.norm().batchNormTrain(dx, dw, db, 1e-5f, 0.1f, drm, drv, dy, dm, di, n, c);
            cuda.norm().batchNormBackward(dx, dw, dm, di, dg, dgx, dgw, dgb, n, c);
            cuda.norm().batchNormEval(dx, dw, db, 1e-5f, drm, drv, de, n, c);
            String at = "batch_norm " + n + "x" + c;
            assertArrayEquals(host(cy), host(dy), at + " y");
            assertArrayEquals(host(cm), host(dm), at + " mean");
            assertArrayEquals(host(ci), host(di), at + " invstd");
            assertArrayEquals(host(crm), host(drm), at + " running mean");
            assertArrayEquals(host(crv), host(drv), at + " running variance");
            assertArrayEquals(host(cgx), host(dgx), at + " gx");
            assertArrayEquals(host(cgw), host(dgw), at + " gw");
            assertArrayEquals(host(cgb), host(dgb), at + " gb");
            assertArrayEquals(host(ce), host(de), at + " eval");
            for (Storage s : List.of(cx, cw, cb, crm, crv, cy, cm, ci, cg, cgx, cgw, cgb, ce)) cpu.release(s);
        }
    }

    @Test
    void batchNormWithoutAffineOrRunningStatisticsMatchesToo() {
        int n = 5, c = 7;
        float[] x = Data.normal(31, n * c);
        Storage cx = cpu.upload(x), cy = cpuEmpty(n * c), cm = cpuEmpty(c), ci = cpuEmpty(c);
        cpu.norm().batchNormTrain(cx, null, null, 1e-5f, 0.1f, null, null, cy, cm, ci, n, c);
        CudaStorage dx = dev(x), dy = devEmpty(n * c), dm = devEmpty(c), di = devEmpty(c);
        cuda.norm().batchNormTrain(dx, null, null, 1e-5f, 0.1f, null, null, dy, dm, di, n, c);
        assertArrayEquals(host(cy), host(dy));
    }

    @Test
    void mismatchedSizesFailWithAMessage() {
        CudaStorage x = devEmpty(12), y = devEmpty(11);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.norm().softmax(x, y, 3, 4, false));
        assertEquals("softmax: the output has 11 elements where 12 are needed", e.getMessage());
        CudaStorage m = devEmpty(3), r = devEmpty(3), w = devEmpty(5);
        e = assertThrows(IllegalArgumentException.class, () -> cuda.norm().layerNorm(x, w, null, 1e-5f, x, m, r, 3, 4));
        assertEquals("layer_norm: the weight has 5 elements where 4 are needed", e.getMessage());
    }
}
