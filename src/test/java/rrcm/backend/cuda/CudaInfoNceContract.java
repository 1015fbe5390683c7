package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.testing.Close;
import rrcm.testing.Data;

/**
 * Fused InfoNCE on the device against the CPU backend's (blocked GEMM and log-sum-exp per row): batch
 * sizes across the 8-row blocks and the shared-memory tiles, feature dimensions from 1 to past a warp's
 * 32 lanes several times, with and without the keys' gradient. Subclasses choose the device.
 */
abstract class CudaInfoNceContract extends CudaFamilyContract {
    static final Close FORWARD = new Close(2e-5, 2e-6, "dot products and log-sum-exp in another order; expf against the CPU's exp");
    static final Close BACKWARD = new Close(1e-4, 1e-5, "sums over the batch of recomputed probabilities times rows, in another order");

    private CudaInfoNce info;

    @Override
    void open(CudaOps ops) {
        info = new CudaInfoNce(ops);
    }

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
            cpu.infoNce(cq, ck, rows, dim, invTau, cl, closs);
            cpu.infoNceBackward(cq, ck, cl, cg, rows, dim, invTau, cgq, cgk);
            CudaStorage dq = dev(q), dk = dev(k), dg = dev(g), dl = devEmpty(rows), dloss = devEmpty(rows);
            CudaStorage dgq = devEmpty(n), dgk = devEmpty(n), dgq2 = devEmpty(n);
            info.infoNce(dq, dk, rows, dim, invTau, dl, dloss);
            info.infoNceBackward(dq, dk, dl, dg, rows, dim, invTau, dgq, dgk);
            info.infoNceBackward(dq, dk, dl, dg, rows, dim, invTau, dgq2, null);
            String at = rows + "x" + dim;
            FORWARD.check("lse " + at, host(cl), host(dl));
            FORWARD.check("loss " + at, host(closs), host(dloss));
            BACKWARD.check("gq " + at, host(cgq), host(dgq));
            BACKWARD.check("gk " + at, host(cgk), host(dgk));
            org.junit.jupiter.api.Assertions.assertArrayEquals(host(dgq), host(dgq2), "gq without the keys' gradient " + at);
            for (Storage s : List.of(cq, ck, cg, cl, closs, cgq, cgk)) cpu.release(s);
        }
    }

    @Test
    void aFeatureDimensionAboveTheLimitIsRefusedWithAMessage() {
        CudaStorage x = devEmpty(2 * 1025), l = devEmpty(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> info.infoNce(x, x, 2, 1025, 5f, l, l));
        assertEquals("info_nce: feature dimension 1025 is outside the 1 to 1024 the CUDA kernels hold per warp", e.getMessage());
    }
}
