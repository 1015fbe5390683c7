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
 * The losses family, {@link CudaLosses}, against the CPU's: cross-entropy with labels and with soft
 * targets on awkward row and class counts, a bad label reported with the CPU's message at the next
 * download and without an out-of-bounds read; InfoNCE's loss and gradients on unit rows, and its
 * feature-dimension limit.
 */
abstract class LossesContract extends FamilyContract {
    static final Close TRANSCENDENTAL = new Close(2e-5, 1e-6,
            "CUDA's expf/logf against the CPU backend's own exp and Math.log: a few ulp per element, sums in other orders");

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
            cpu.losses().crossEntropy(cx, cy, cl, cz, rows, classes);
            cpu.losses().crossEntropyBackward(cx, cz, cy, cg, cgx, rows, classes);
            CudaStorage dx = dev(x), dy = dev(y), dl = devEmpty(DType.F32, rows), dz = devEmpty(DType.F32, rows);
            CudaStorage dg = dev(g), dgx = devEmpty(DType.F32, rows * classes);
            cuda.losses().crossEntropy(dx, dy, dl, dz, rows, classes);
            cuda.losses().crossEntropyBackward(dx, dz, dy, dg, dgx, rows, classes);
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
            cpu.losses().crossEntropy(cx, ct, cl, cz, rows, classes);
            cpu.losses().crossEntropyBackward(cx, cz, ct, cg, cgx, rows, classes);
            CudaStorage dx = dev(x), dt = dev(t), dl = devEmpty(DType.F32, rows), dz = devEmpty(DType.F32, rows);
            CudaStorage dg = dev(g), dgx = devEmpty(DType.F32, rows * classes);
            cuda.losses().crossEntropy(dx, dt, dl, dz, rows, classes);
            cuda.losses().crossEntropyBackward(dx, dz, dt, dg, dgx, rows, classes);
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
        cuda.losses().crossEntropy(x, y, loss, lse, 2, 3); // no wait for the device: the check travels with the kernel
        float[] l = host(loss);
        assertEquals((float) Math.log(3), l[0], 1e-6f, "the row with a good label");
        assertTrue(Float.isNaN(l[1]), "the row with a bad label gets a NaN loss, never a read outside its row");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ((CudaLosses) cuda.losses()).checkPending());
        assertEquals("cross_entropy: label 3 of row 1 is outside [0, 3)", e.getMessage());
        ((CudaLosses) cuda.losses()).checkPending(); // reported once
        CudaStorage good = dev(new int[] {0, 2});
        cuda.losses().crossEntropy(x, good, loss, lse, 2, 3);
        ((CudaLosses) cuda.losses()).checkPending(); // the record was reset: good labels pass
    }

    static final Close FORWARD = new Close(2e-5, 2e-6, "dot products and log-sum-exp in another order; expf against the CPU's exp");
    static final Close BACKWARD = new Close(1e-4, 1e-5, "sums over the batch of recomputed probabilities times rows, in another order");

    /** rows, dim. */
    private int[][] shapes() {
        List<int[]> s = new ArrayList<>(List.of(new int[] {1, 1}, new int[] {3, 5}, new int[] {9, 32}, new int[] {20, 33},
                new int[] {70, 100}, new int[] {12, 300}));
        if (large()) s.addAll(List.of(new int[] {2048, 256}, new int[] {512, 768}));
        return s.toArray(new int[0][]);
    }

    /** Rows scaled to unit length, as InfoNCE receives them. */
    private static float[] unitRows(long seed, int rows, int dim) {
        float[] x = Data.normal(seed, rows * dim);
        for (int r = 0; r < rows; r++) {
            double n = 0;
            for (int c = 0; c < dim; c++) n += x[r * dim + c] * x[r * dim + c];
            for (int c = 0; c < dim; c++) x[r * dim + c] /= (float) Math.sqrt(n);
        }
        return x;
    }

    @Test
    void lossAndGradientsMatchTheCpuBackend() {
        float invTau = 5f;
        for (int[] sh : shapes()) {
            int rows = sh[0], dim = sh[1], n = rows * dim;
            float[] q = unitRows(1 + dim, rows, dim), k = unitRows(2 + rows, rows, dim), g = Data.uniform(3, rows, 0.5f, 1.5f);
            Storage cq = cpu.upload(q), ck = cpu.upload(k), cg = cpu.upload(g);
            Storage cl = cpu.allocate(DType.F32, rows), closs = cpu.allocate(DType.F32, rows);
            Storage cgq = cpu.allocate(DType.F32, n), cgk = cpu.allocate(DType.F32, n);
            cpu.losses().infoNce(cq, ck, rows, dim, invTau, cl, closs);
            cpu.losses().infoNceBackward(cq, ck, cl, cg, rows, dim, invTau, cgq, cgk);
            CudaStorage dq = dev(q), dk = dev(k), dg = dev(g), dl = devEmpty(rows), dloss = devEmpty(rows);
            CudaStorage dgq = devEmpty(n), dgk = devEmpty(n), dgq2 = devEmpty(n);
            cuda.losses().infoNce(dq, dk, rows, dim, invTau, dl, dloss);
            cuda.losses().infoNceBackward(dq, dk, dl, dg, rows, dim, invTau, dgq, dgk);
            cuda.losses().infoNceBackward(dq, dk, dl, dg, rows, dim, invTau, dgq2, null);
            String at = rows + "x" + dim;
            FORWARD.check("lse " + at, host(cl), host(dl));
            FORWARD.check("loss " + at, host(closs), host(dloss));
            BACKWARD.check("gq " + at, host(cgq), host(dgq));
            BACKWARD.check("gk " + at, host(cgk), host(dgk));
            org.junit.jupiter.api.Assertions.assertArrayEquals(host(dgq), host(dgq2), "gq without the keys' gradient " + at);
            for (Storage s : List.of(cq, ck, cg, cl, closs, cgq, cgk)) cpu.release(s);
        }
    }

    /** Features wider than the old warp-per-row kernels held (1024) go through: the logits are a GEMM's. */
    @Test
    void wideFeaturesAndTheRowLimit() {
        int rows = 6, dim = 1500;
        float[] q = unitRows(91, rows, dim), k = unitRows(92, rows, dim);
        Storage cq = cpu.upload(q), ck = cpu.upload(k), cz = cpu.allocate(DType.F32, rows), cl = cpu.allocate(DType.F32, rows);
        cpu.losses().infoNce(cq, ck, rows, dim, 5f, cz, cl);
        CudaStorage dq = dev(q), dk = dev(k), dz = devEmpty(rows), dl = devEmpty(rows);
        cuda.losses().infoNce(dq, dk, rows, dim, 5f, dz, dl);
        FORWARD.check("loss at dim 1500", host(cl), host(dl));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.losses().infoNce(dq, dq, 46_341, 0, 5f, dz, dz));
        assertTrue(e.getMessage().startsWith("info_nce: feature dimension 0 is below 1"), e.getMessage());
    }
}
