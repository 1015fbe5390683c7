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

/** The layout family, {@link CudaLayout}, against the CPU's: permutations of floats and ints, strided row copies. */
abstract class LayoutContract extends FamilyContract {
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
            cpu.layout().permute(cx, c[0], c[1], cy);
            CudaStorage gx = ops.upload(x), gy = ops.allocate(DType.F32, n);
            cuda.layout().permute(gx, c[0], c[1], gy);
            EXACT_ARITHMETIC.check("permute " + Arrays.deepToString(c), run(cy), run(gy));
            int[] xi = Data.ints(n, n, 1000);
            Storage ci = cpu.upload(xi), co = cpu.allocate(DType.I32, n);
            cpu.layout().permute(ci, c[0], c[1], co);
            CudaStorage gi = ops.upload(xi), go = ops.allocate(DType.I32, n);
            cuda.layout().permute(gi, c[0], c[1], go);
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
            cpu.layout().copyRows(cs, 3, 37, cd, 10, 41, 7, 33, acc);
            CudaStorage gs = ops.upload(src), gd = ops.upload(dst);
            cuda.layout().copyRows(gs, 3, 37, gd, 10, 41, 7, 33, acc);
            EXACT_ARITHMETIC.check("copy_rows accumulate=" + acc, run(cd), run(gd));
            ops.release(gs);
            ops.release(gd);
        }
        int[] is = Data.ints(1, 50, 100), id = Data.ints(2, 60, 100);
        Storage cs = cpu.upload(is), cd = cpu.upload(id);
        cpu.layout().copyRows(cs, 0, 10, cd, 2, 12, 5, 10, true);
        CudaStorage gs = ops.upload(is), gd = ops.upload(id);
        cuda.layout().copyRows(gs, 0, 10, gd, 2, 12, 5, 10, true);
        int[] want = new int[60], got = new int[60];
        cpu.download(cd, want);
        ops.download(gd, got);
        assertArrayEquals(want, got, "int copy_rows accumulates as ints");
        ops.release(gs);
        ops.release(gd);
    }
}
