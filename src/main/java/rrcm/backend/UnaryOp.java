package rrcm.backend;

/** Elementwise functions of one float argument; each has a backward in {@link ElementwiseOps#unaryBackward}. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RELU, GELU, TANH, SIGMOID, ABS;

    /** Whether the backward needs the forward output y (otherwise it needs the input x). */
    public boolean backwardUsesOutput() {
        return this == EXP || this == SQRT || this == TANH || this == SIGMOID;
    }
}
