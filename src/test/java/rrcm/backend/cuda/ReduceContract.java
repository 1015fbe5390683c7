package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
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

/** The reduce family, {@link CudaReduce}, against the CPU's: every set of reduced axes, NaN, argmax. */
abstract class ReduceContract extends FamilyContract {
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

    @Test
    void reduceMatchesTheCpu() {
        for (ReduceOp op : ReduceOp.values()) {
            for (int[][] c : reductions()) {
                float[] x = Data.normal(numel(c[0]), numel(c[0]));
                Storage cx = cpu.upload(x), cy = cpu.allocate(DType.F32, numel(c[1]));
                cpu.reduce().reduce(op, cx, c[0], cy, c[1]);
                CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, numel(c[1]));
                cuda.reduce().reduce(op, gx, c[0], gy, c[1]);
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
            cpu.reduce().reduce(op, cx, new int[] {2, 3}, cy, new int[] {2, 1});
            CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, 2);
            cuda.reduce().reduce(op, gx, new int[] {2, 3}, gy, new int[] {2, 1});
            EXACT_ARITHMETIC.check(op + " with NaN", run(cy), run(gy));
            ops.release(gx);
            ops.release(gy);
        }
    }

    /** (outer, axis, inner) shapes: size-1 axes, inner 1 (rows), and sizes off every power of two. */
    private int[][] argmaxShapes() {
        List<int[]> s = new ArrayList<>(List.of(new int[] {1, 1, 1}, new int[] {1, 5, 1}, new int[] {3, 7, 1},
                new int[] {2, 4, 3}, new int[] {5, 33, 2}, new int[] {1, 3, 37}));
        if (large()) s.add(new int[] {64, 1000, 16});
        return s.toArray(new int[0][]);
    }

    @Test
    void argmaxTakesTheFirstOfTiesAndNaNWins() {
        float nan = Float.NaN;
        float[] x = {1, 3, 3, 2, /* */ nan, 5, 9, 9, /* */ -1, -1, -1, -1, /* */ 0, 7, nan, 8};
        CudaStorage dx = dev(x), dd = devEmpty(DType.I32, 4);
        cuda.reduce().argmax(dx, 4, 4, 1, dd);
        assertArrayEquals(new int[] {1, 0, 0, 2}, hostInts(dd));
        for (int[] sh : argmaxShapes()) {
            float[] v = new float[sh[0] * sh[1] * sh[2]];
            int[] small = Data.ints(31 + sh[1], v.length, 4); // few distinct values: many ties
            for (int i = 0; i < v.length; i++) v[i] = small[i];
            Storage cv = cpu.upload(v), ci = cpu.allocate(DType.I32, sh[0] * sh[2]);
            cpu.reduce().argmax(cv, sh[0], sh[1], sh[2], ci);
            int[] want = new int[sh[0] * sh[2]];
            cpu.download(ci, want);
            CudaStorage dv = dev(v), di = devEmpty(DType.I32, sh[0] * sh[2]);
            cuda.reduce().argmax(dv, sh[0], sh[1], sh[2], di);
            assertArrayEquals(want, hostInts(di), "argmax " + java.util.Arrays.toString(sh));
            cpu.release(cv);
            cpu.release(ci);
        }
    }
}
