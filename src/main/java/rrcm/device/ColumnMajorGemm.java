package rrcm.device;

/**
 * A row-major product as the column-major call a BLAS takes. Row-major C (m, n) is column-major C^T
 * (n, m), and C^T = op(B)^T op(A)^T, so the call multiplies B's storage by A's: first operand B with
 * {@code transFirst} and leading dimension {@code ldFirst}, second A with {@code transSecond} and
 * {@code ldSecond}, sizes (n, m, k), C's leading dimension n. A row-major (r, c) matrix read column-major
 * is its transpose with leading dimension c, so an operand needs no transposition in the call exactly when
 * it is not transposed in the row-major product.
 */
public record ColumnMajorGemm(boolean transFirst, boolean transSecond, int rows, int cols, int depth, int ldFirst,
                              int ldSecond, int ldc) {
    public static ColumnMajorGemm of(boolean transA, boolean transB, int m, int n, int k) {
        return new ColumnMajorGemm(transB, transA, n, m, k, transB ? k : n, transA ? m : k, n);
    }

    /**
     * The call's meaning, computed on the host in the BLAS's own terms (column-major, element (i, j) of a
     * matrix with leading dimension ld at i + j ld): the reference the tests hold this mapping to.
     */
    public void reference(float alpha, float[] first, long strideFirst, float[] second, long strideSecond, float beta,
                          float[] c, long strideC, int batch) {
        for (int bt = 0; bt < batch; bt++) {
            long f0 = bt * strideFirst, s0 = bt * strideSecond, c0 = bt * strideC;
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    double sum = 0;
                    for (int p = 0; p < depth; p++) {
                        float x = transFirst ? first[(int) (f0 + p + (long) i * ldFirst)] : first[(int) (f0 + i + (long) p * ldFirst)];
                        float y = transSecond ? second[(int) (s0 + j + (long) p * ldSecond)] : second[(int) (s0 + p + (long) j * ldSecond)];
                        sum += (double) x * y;
                    }
                    int at = (int) (c0 + i + (long) j * ldc);
                    c[at] = (float) (alpha * sum + (beta == 0 ? 0 : beta * (double) c[at]));
                }
            }
        }
    }
}
