package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.Gemm;

/** Batched GEMM on the CPU (see {@link Gemm} for the contract). */
final class CpuGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private CpuGemm() {}

    static void gemm(Parallel par, Gemm g, float[] a, float[] b, float[] c) {
        int m = g.m(), n = g.n(), k = g.k();
        for (int batch = 0; batch < g.batch(); batch++) {
            int offA = batch * g.strideA(), offB = batch * g.strideB(), offC = batch * g.strideC();
            float[] bRows = g.transB() ? transpose(b, offB, n, k) : null;
            int bBase = bRows == null ? offB : 0;
            float[] bm = bRows == null ? b : bRows;
            par.forRange(m, (long) n * k, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    int ci = offC + i * n;
                    if (g.beta() == 0f) java.util.Arrays.fill(c, ci, ci + n, 0f);
                    for (int p = 0; p < k; p++) {
                        float av = g.alpha() * (g.transA() ? a[offA + p * m + i] : a[offA + i * k + p]);
                        FloatVector va = FloatVector.broadcast(S, av);
                        int bp = bBase + p * n;
                        int j = 0;
                        for (int bound = S.loopBound(n); j < bound; j += S.length()) {
                            FloatVector.fromArray(S, bm, bp + j).fma(va, FloatVector.fromArray(S, c, ci + j))
                                    .intoArray(c, ci + j);
                        }
                        for (; j < n; j++) c[ci + j] = Math.fma(av, bm[bp + j], c[ci + j]);
                    }
                }
            });
        }
    }

    /** (rows, cols) at off, transposed into a new (cols, rows) array. */
    private static float[] transpose(float[] x, int off, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) t[col * rows + r] = x[off + r * cols + col];
        }
        return t;
    }
}
