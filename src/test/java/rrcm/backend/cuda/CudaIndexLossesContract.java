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
 * Index ops, argmax and the fused cross-entropy on the device against the CPU backend. Copies and the
 * accumulating index ops (which add in the CPU's order) are compared bit for bit; cross-entropy within
 * the few ulp that separate CUDA's expf and logf from the CPU backend's own. Bad indices and labels fail
 * with the CPU backend's messages and leave the output untouched. Subclasses choose the device.
 */
abstract class CudaIndexLossesContract extends CudaFamilyContract {
    static final Close TRANSCENDENTAL = new Close(2e-5, 1e-6,
            "CUDA's expf/logf against the CPU backend's own exp and Math.log: a few ulp per element, sums in other orders");

    private CudaIndexing indexing;
    private CudaCrossEntropy xent;

    @Override
    void open(CudaOps ops) {
        indexing = new CudaIndexing(ops);
        xent = new CudaCrossEntropy(ops);
    }

    /** (outer, axis, inner) shapes: size-1 axes, inner 1 (rows), and sizes off every power of two. */
    private int[][] shapes() {
        List<int[]> s = new ArrayList<>(List.of(new int[] {1, 1, 1}, new int[] {1, 5, 1}, new int[] {3, 7, 1},
                new int[] {2, 4, 3}, new int[] {5, 33, 2}, new int[] {1, 3, 37}));
        if (large()) s.add(new int[] {64, 1000, 16});
        return s.toArray(new int[0][]);
    }

    @Test
    void indexSelectAndIndexAddMatchTheCpuBitForBitWithRepeatedIndices() {
        for (int[] sh : shapes()) {
            int outer = sh[0], axis = sh[1], inner = sh[2], count = axis + 2;
            int[] index = Data.ints(11 + axis, count, axis); // repeats: count > axis
            float[] src = Data.normal(12, outer * axis * inner);
            Storage cs = cpu.upload(src), ci = cpu.upload(index), cd = cpu.allocate(DType.F32, outer * count * inner);
            cpu.indexSelect(cs, outer, axis, inner, ci, count, cd);
            CudaStorage ds = dev(src), di = dev(index), dd = devEmpty(DType.F32, outer * count * inner);
            indexing.indexSelect(ds, outer, axis, inner, di, count, dd);
            assertArrayEquals(host(cd), host(dd), "index_select " + java.util.Arrays.toString(sh));

            float[] grads = Data.normal(13, outer * count * inner), base = Data.normal(14, outer * axis * inner);
            Storage cg = cpu.upload(grads), cb = cpu.upload(base);
            cpu.indexAdd(cg, outer, axis, inner, ci, count, cb);
            CudaStorage dg = dev(grads), db = dev(base);
            indexing.indexAdd(dg, outer, axis, inner, di, count, db);
            assertArrayEquals(host(cb), host(db), "index_add " + java.util.Arrays.toString(sh));
            for (Storage s : List.of(cs, ci, cd, cg, cb)) cpu.release(s);
        }
    }

    @Test
    void gatherAndScatterAddMatchTheCpuBitForBit() {
        for (int[] sh : shapes()) {
            int outer = sh[0], axis = sh[1], inner = sh[2], count = 3;
            int[] index = Data.ints(21 + axis, outer * count * inner, axis);
            float[] src = Data.normal(22, outer * axis * inner);
            Storage cs = cpu.upload(src), ci = cpu.upload(index), cd = cpu.allocate(DType.F32, outer * count * inner);
            cpu.gather(cs, outer, axis, inner, ci, count, cd);
            CudaStorage ds = dev(src), di = dev(index), dd = devEmpty(DType.F32, outer * count * inner);
            indexing.gather(ds, outer, axis, inner, di, count, dd);
            assertArrayEquals(host(cd), host(dd), "gather " + java.util.Arrays.toString(sh));

            float[] upd = Data.normal(23, outer * count * inner), base = Data.normal(24, outer * axis * inner);
            Storage cu = cpu.upload(upd), cb = cpu.upload(base);
            cpu.scatterAdd(cu, outer, axis, inner, ci, count, cb);
            CudaStorage du = dev(upd), db = dev(base);
            indexing.scatterAdd(du, outer, axis, inner, di, count, db);
            assertArrayEquals(host(cb), host(db), "scatter_add " + java.util.Arrays.toString(sh));
            for (Storage s : List.of(cs, ci, cd, cu, cb)) cpu.release(s);
        }
    }

    @Test
    void integerTensorsAreSelectedAndGatheredToo() {
        int[] src = {10, 11, 12, 13, 14, 15};
        CudaStorage ds = dev(src), di = dev(new int[] {2, 0, 2}), dd = devEmpty(DType.I32, 6);
        indexing.indexSelect(ds, 1, 3, 2, di, 3, dd);
        assertArrayEquals(new int[] {14, 15, 10, 11, 14, 15}, hostInts(dd));
    }

    @Test
    void argmaxTakesTheFirstOfTiesAndNaNWins() {
        float nan = Float.NaN;
        float[] x = {1, 3, 3, 2, /* */ nan, 5, 9, 9, /* */ -1, -1, -1, -1, /* */ 0, 7, nan, 8};
        CudaStorage dx = dev(x), dd = devEmpty(DType.I32, 4);
        indexing.argmax(dx, 4, 4, 1, dd);
        assertArrayEquals(new int[] {1, 0, 0, 2}, hostInts(dd));
        for (int[] sh : shapes()) {
            float[] v = new float[sh[0] * sh[1] * sh[2]];
            int[] small = Data.ints(31 + sh[1], v.length, 4); // few distinct values: many ties
            for (int i = 0; i < v.length; i++) v[i] = small[i];
            Storage cv = cpu.upload(v), ci = cpu.allocate(DType.I32, sh[0] * sh[2]);
            cpu.argmax(cv, sh[0], sh[1], sh[2], ci);
            int[] want = new int[sh[0] * sh[2]];
            cpu.download(ci, want);
            CudaStorage dv = dev(v), di = devEmpty(DType.I32, sh[0] * sh[2]);
            indexing.argmax(dv, sh[0], sh[1], sh[2], di);
            assertArrayEquals(want, hostInts(di), "argmax " + java.util.Arrays.toString(sh));
            cpu.release(cv);
            cpu.release(ci);
        }
    }

    @Test
    void badIndicesFailWithTheCpuMessageAndWriteNothing() {
        CudaStorage src = dev(new float[] {1, 2, 3, 4}), dst = dev(new float[] {9, 9});
        CudaStorage bad = dev(new int[] {1, 4});
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> indexing.indexSelect(src, 1, 4, 1, bad, 2, dst));
        assertEquals("index_select: index 4 is outside [0, 4)", e.getMessage());
        assertArrayEquals(new float[] {9, 9}, host(dst));
        CudaStorage negative = dev(new int[] {0, -1});
        e = assertThrows(IndexOutOfBoundsException.class, () -> indexing.scatterAdd(dst, 1, 4, 1, negative, 2, src));
        assertEquals("scatter_add: index -1 is outside [0, 4)", e.getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 4}, host(src));
    }

    private int[] rowsAndClasses() {
        return large() ? new int[] {1, 1, 7, 10, 64, 1000, 2048, 2048} : new int[] {1, 1, 3, 10, 5, 33, 2, 300};
    }

    @Test
    void crossEntropyWithLabelsMatchesTheCpu() {
        int[] rc = rowsAndClasses();
        for (int k = 0; k < rc.length; k += 2) {
            int rows = rc[k], classes = rc[k + 1];
            float[] x = Data.uniform(41 + k, rows * classes, -6f, 6f);
            int[] y = Data.ints(42 + k, rows, classes);
            float[] g = Data.normal(43 + k, rows);
            Storage cx = cpu.upload(x), cy = cpu.upload(y), cl = cpu.allocate(DType.F32, rows), cz = cpu.allocate(DType.F32, rows);
            Storage cg = cpu.upload(g), cgx = cpu.allocate(DType.F32, rows * classes);
            cpu.crossEntropy(cx, cy, cl, cz, rows, classes);
            cpu.crossEntropyBackward(cx, cz, cy, cg, cgx, rows, classes);
            CudaStorage dx = dev(x), dy = dev(y), dl = devEmpty(DType.F32, rows), dz = devEmpty(DType.F32, rows);
            CudaStorage dg = dev(g), dgx = devEmpty(DType.F32, rows * classes);
            xent.crossEntropy(dx, dy, dl, dz, rows, classes);
            xent.crossEntropyBackward(dx, dz, dy, dg, dgx, rows, classes);
            String at = rows + "x" + classes;
            TRANSCENDENTAL.check("lse " + at, host(cz), host(dz));
            TRANSCENDENTAL.check("loss " + at, host(cl), host(dl));
            TRANSCENDENTAL.check("gradient " + at, host(cgx), host(dgx));
            for (Storage s : List.of(cx, cy, cl, cz, cg, cgx)) cpu.release(s);
        }
    }

    @Test
    void crossEntropyWithSoftTargetsMatchesTheCpu() {
        int[] rc = rowsAndClasses();
        for (int k = 0; k < rc.length; k += 2) {
            int rows = rc[k], classes = rc[k + 1];
            float[] x = Data.uniform(51 + k, rows * classes, -6f, 6f);
            float[] t = Data.uniform(52 + k, rows * classes, 0f, 1f); // unnormalized on purpose: sum(t) enters
            float[] g = Data.normal(53 + k, rows);
            Storage cx = cpu.upload(x), ct = cpu.upload(t), cl = cpu.allocate(DType.F32, rows), cz = cpu.allocate(DType.F32, rows);
            Storage cg = cpu.upload(g), cgx = cpu.allocate(DType.F32, rows * classes);
            cpu.crossEntropy(cx, ct, cl, cz, rows, classes);
            cpu.crossEntropyBackward(cx, cz, ct, cg, cgx, rows, classes);
            CudaStorage dx = dev(x), dt = dev(t), dl = devEmpty(DType.F32, rows), dz = devEmpty(DType.F32, rows);
            CudaStorage dg = dev(g), dgx = devEmpty(DType.F32, rows * classes);
            xent.crossEntropy(dx, dt, dl, dz, rows, classes);
            xent.crossEntropyBackward(dx, dz, dt, dg, dgx, rows, classes);
            String at = rows + "x" + classes;
            TRANSCENDENTAL.check("lse " + at, host(cz), host(dz));
            // loss = lse * mass - dot: a difference of two sums of about classes terms each
            new Close(1e-4, 1e-4 * classes, "a difference of two sums over the classes, each in its own order")
                    .check("loss " + at, host(cl), host(dl));
            TRANSCENDENTAL.check("gradient " + at, host(cgx), host(dgx));
            for (Storage s : List.of(cx, ct, cl, cz, cg, cgx)) cpu.release(s);
        }
    }

    @Test
    void aLabelOutOfRangeIsReportedWithTheCpuMessageAtTheNextCheckWithoutAnOutOfBoundsRead() {
        CudaStorage x = dev(new float[6]), y = dev(new int[] {1, 3}), loss = dev(new float[] {7, 7}), lse = dev(new float[] {7, 7});
        xent.crossEntropy(x, y, loss, lse, 2, 3); // no wait for the device: the check travels with the kernel
        float[] l = host(loss);
        assertEquals((float) Math.log(3), l[0], 1e-6f, "the row with a good label");
        assertTrue(Float.isNaN(l[1]), "the row with a bad label gets a NaN loss, never a read outside its row");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> xent.checkPending());
        assertEquals("cross_entropy: label 3 of row 1 is outside [0, 3)", e.getMessage());
        xent.checkPending(); // reported once
        CudaStorage good = dev(new int[] {0, 2});
        xent.crossEntropy(x, good, loss, lse, 2, 3);
        xent.checkPending(); // the record was reset: good labels pass
    }
}
