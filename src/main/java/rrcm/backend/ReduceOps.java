package rrcm.backend;

/**
 * The family {@code reduce}: sums, means and maxima over axes ({@link ReduceOp}), and argmax along one
 * axis. Reductions run in a fixed order, so that a backend that promises the CPU's bits can keep it.
 */
public abstract class ReduceOps<S extends Storage> extends Family<S> {
    protected ReduceOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /** Reduces x of {@code shape} to {@code outShape}: the same rank, with 1 on every reduced axis. */
    public final void reduce(ReduceOp op, Storage x, int[] shape, Storage out, int[] outShape) {
        ShapePlan.Reduction plan = ShapePlan.reduction(shape, outShape);
        S xs = f32("reduce", "input", x, count("reduce", "size in the shape", shape));
        S o = f32("reduce", "output", out, count("reduce", "size in the output shape", outShape));
        if (o.numel() > 0) doReduce(op, xs, o, plan);
    }

    /** dst (outer, inner) int32 = the position of the largest value along the axis; the first one on ties, NaN wins. */
    public final void argmax(Storage src, int outer, int axis, int inner, Storage dst) {
        require(axis >= 1, "argmax", "an axis of size " + axis + " has no largest value");
        S s = f32("argmax", "input", src, count("argmax", "size", outer, axis, inner));
        S d = i32("argmax", "output", dst, (long) outer * inner);
        if (d.numel() > 0) doArgmax(s, outer, axis, inner, d);
    }

    /** plan's passes reduce x to out (no passes: out is a copy of x). */
    protected abstract void doReduce(ReduceOp op, S x, S out, ShapePlan.Reduction plan);

    protected abstract void doArgmax(S src, int outer, int axis, int inner, S dst);
}
