package rrcm.device;

/**
 * A vendor BLAS on a device (cuBLAS on a GPU): the batched float matrix product, row-major as the engine
 * stores matrices. For each b below batch, C_b = alpha op(A_b) op(B_b) + beta C_b with op(A_b) (m, k),
 * op(B_b) (k, n) and C_b (m, n), a transposed operand stored as its transpose, operand b starting
 * {@code stride} elements after operand b - 1. {@link ColumnMajorGemm} turns this into the column-major
 * call a BLAS takes.
 */
public interface Blas {
    /** What runs the products, for {@code info}: the library and its arithmetic. */
    String describe();

    /** tf32: tensor cores with TF32 inputs and float accumulation; otherwise plain float arithmetic. */
    void gemm(boolean tf32, boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a, long strideA,
              DeviceBuffer b, long strideB, float beta, DeviceBuffer c, long strideC, int batch);
}
