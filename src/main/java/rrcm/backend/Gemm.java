package rrcm.backend;

/**
 * A batched GEMM: for each b in [0, batch), C_b = alpha * op(A_b) * op(B_b) + beta * C_b, with op(A_b)
 * of shape (m, k) and op(B_b) of shape (k, n), all row-major and contiguous. A transposed operand is
 * stored as its transpose: A_b is (k, m) when transA. The batch strides are in elements; a stride of
 * 0 broadcasts one matrix to every batch entry. beta is 0 (overwrite, C's old contents ignored, NaN
 * included) or 1 (accumulate).
 */
public record Gemm(int batch, int m, int n, int k, boolean transA, boolean transB,
                   int strideA, int strideB, int strideC, float alpha, float beta) {
    public Gemm {
        if (batch < 1 || m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("gemm: sizes must be positive, got batch=" + batch
                    + " m=" + m + " n=" + n + " k=" + k);
        }
        if (beta != 0f && beta != 1f) throw new IllegalArgumentException("gemm: beta must be 0 or 1, got " + beta);
    }

    /** A single (m, k) x (k, n) product that overwrites C. */
    public static Gemm of(int m, int n, int k, boolean transA, boolean transB) {
        return new Gemm(1, m, n, k, transA, transB, 0, 0, 0, 1f, 0f);
    }

    public Gemm accumulate() {
        return new Gemm(batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, 1f);
    }

    public long flops() {
        return 2L * batch * m * n * k;
    }
}
