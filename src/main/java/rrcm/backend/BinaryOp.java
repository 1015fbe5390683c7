package rrcm.backend;

/**
 * Elementwise {@code f(a, b)} with NumPy broadcasting. Comparisons give 1.0 or 0.0 (float32), which
 * keeps masks in the same dtype as the values they multiply.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, EQ, GT
}
