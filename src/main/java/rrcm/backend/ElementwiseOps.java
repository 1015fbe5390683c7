package rrcm.backend;

/**
 * The family {@code elementwise}: maps over float32 elements, with NumPy broadcasting for the binary ops.
 * Outputs may alias an input of the same shape. A broadcast is described by its plan (axes of size 1
 * dropped, neighbouring axes merged, {@link ShapePlan#broadcast}); the kernels take at most
 * {@link #MAX_AXES} separate axes, and so does every backend.
 */
public abstract class ElementwiseOps<S extends Storage> extends Family<S> {
    /** The most separate axes a broadcast may keep after merging (RRCM_MAX_DIMS of kernels/common.cuh). */
    public static final int MAX_AXES = 8;

    protected ElementwiseOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /** out = f(x). */
    public final void unary(UnaryOp op, Storage x, Storage out) {
        S xs = f32("unary", "input", x);
        S o = f32("unary", "output", out, xs.numel());
        if (xs.numel() > 0) doUnary(op, xs, o);
    }

    /**
     * gx = gy * f'(x), where f' is written through x or through y = f(x), as
     * {@link UnaryOp#backwardUsesOutput} says; only that one of x and y is read (the other may be null).
     */
    public final void unaryBackward(UnaryOp op, Storage x, Storage y, Storage gy, Storage gx) {
        String name = "unary_backward";
        S g = f32(name, "output gradient", gy);
        S t = op.backwardUsesOutput() ? f32(name, "output", y, g.numel()) : f32(name, "input", x, g.numel());
        S gxs = f32(name, "input gradient", gx, g.numel());
        if (g.numel() > 0) doUnaryBackward(op, t, g, gxs);
    }

    /** out = f(x, s). */
    public final void scalar(ScalarOp op, Storage x, float s, Storage out) {
        S xs = f32("scalar", "input", x);
        S o = f32("scalar", "output", out, xs.numel());
        if (xs.numel() > 0) doScalar(op, xs, s, o);
    }

    /** out = f(a, b) with broadcasting: out has the broadcast shape of aShape and bShape. */
    public final void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        ShapePlan.Broadcast plan = plan("binary", aShape, bShape, outShape);
        S as = f32("binary", "first operand", a, numel(aShape));
        S bs = f32("binary", "second operand", b, numel(bShape));
        S o = f32("binary", "output", out, plan.numel());
        if (plan.numel() > 0) doBinary(op, as, bs, o, plan);
    }

    /** dst = src broadcast from srcShape to dstShape. */
    public final void expand(Storage src, int[] srcShape, Storage dst, int[] dstShape) {
        ShapePlan.Broadcast plan = plan("expand", srcShape, srcShape, dstShape);
        S s = f32("expand", "source", src, numel(srcShape));
        S d = f32("expand", "destination", dst, plan.numel());
        if (plan.numel() > 0) doExpand(s, d, plan);
    }

    private static ShapePlan.Broadcast plan(String op, int[] a, int[] b, int[] out) {
        ShapePlan.Broadcast plan = ShapePlan.broadcast(op, a, b, out);
        require(plan.rank() <= MAX_AXES, op, "the broadcast of " + java.util.Arrays.toString(a) + " and "
                + java.util.Arrays.toString(b) + " keeps " + plan.rank() + " separate axes; at most " + MAX_AXES + " are supported");
        return plan;
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    protected abstract void doUnary(UnaryOp op, S x, S out);

    /** t is x or y, whichever {@link UnaryOp#backwardUsesOutput} names. */
    protected abstract void doUnaryBackward(UnaryOp op, S t, S gy, S gx);

    protected abstract void doScalar(ScalarOp op, S x, float s, S out);

    protected abstract void doBinary(BinaryOp op, S a, S b, S out, ShapePlan.Broadcast plan);

    /** The plan of a broadcast whose two operands are both src. */
    protected abstract void doExpand(S src, S dst, ShapePlan.Broadcast plan);
}
