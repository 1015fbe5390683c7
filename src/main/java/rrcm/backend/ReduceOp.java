package rrcm.backend;

/** Reductions over a set of axes. MEAN divides the sum by the number of reduced elements. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN
}
