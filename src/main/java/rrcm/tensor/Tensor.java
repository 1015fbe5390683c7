package rrcm.tensor;

import java.util.List;
import rrcm.backend.Backend;
import rrcm.backend.Backends;
import rrcm.backend.DType;
import rrcm.backend.Storage;

/**
 * An n-dimensional array on one backend: float32 values or int32 labels and indices, row-major and
 * contiguous. Reshape gives a view that shares storage; every other op makes a new tensor.
 *
 * <p>Autograd: a float tensor with {@code requiresGrad} is a leaf whose gradient accumulates in
 * {@link #grad()}; ops on such tensors record how to send gradients back (see {@link Autograd}).
 * The ops themselves live in small classes by family (Pointwise, Reductions, Linalg, Normalization,
 * FusedAttention, Losses, Layout, Indexing); the methods here are the user-facing spelling.
 */
public final class Tensor {
    private final Buffer buffer;
    private final int[] shape;
    private final DType dtype;
    private boolean requiresGrad;
    private Tensor grad;
    private Autograd.Node gradFn;

    private Tensor(Buffer buffer, int[] shape, DType dtype) {
        this.buffer = buffer;
        this.shape = shape;
        this.dtype = dtype;
    }

    // ---- creation --------------------------------------------------------------------------------

    /** A new tensor with unspecified contents, owned by the current memory scope. */
    static Tensor empty(Backend backend, DType dtype, int[] shape) {
        return emptyIn(MemoryScope.current(), backend, dtype, shape);
    }

    static Tensor emptyIn(MemoryScope owner, Backend backend, DType dtype, int[] shape) {
        int n = Shape.numel(shape);
        Buffer b = new Buffer(backend.allocate(dtype, n));
        if (owner != null) owner.adopt(b);
        return new Tensor(b, shape, dtype);
    }

    static Tensor emptyLike(Tensor t) {
        return empty(t.backend(), t.dtype, t.shape.clone());
    }

    public static Tensor zeros(int... shape) {
        return full(Backends.defaultBackend(), 0f, shape);
    }

    public static Tensor ones(int... shape) {
        return full(Backends.defaultBackend(), 1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        return full(Backends.defaultBackend(), value, shape);
    }

    public static Tensor zeros(Backend backend, int... shape) {
        return full(backend, 0f, shape);
    }

    public static Tensor full(Backend backend, float value, int... shape) {
        Tensor t = empty(backend, DType.F32, Shape.checked("full", shape));
        backend.fill(t.storage(), value);
        return t;
    }

    /** A tensor of shape () holding one value. */
    public static Tensor scalar(float value) {
        return of(new float[] {value}, new int[0]);
    }

    static Tensor zerosLike(Tensor t) {
        return full(t.backend(), 0f, t.shape.clone());
    }

    static Tensor onesLike(Tensor t) {
        return full(t.backend(), 1f, t.shape.clone());
    }

    /** A 1-D float tensor holding a copy of data. */
    public static Tensor of(float[] data) {
        return of(Backends.defaultBackend(), data, data.length);
    }

    /** A float tensor of the given shape (no sizes: a scalar) holding a copy of data. */
    public static Tensor of(float[] data, int... shape) {
        return of(Backends.defaultBackend(), data, shape);
    }

    public static Tensor of(Backend backend, float[] data, int... shape) {
        return adopt(backend.upload(data), filled("of", data.length, shape), DType.F32);
    }

    /** A 1-D int32 tensor (labels, indices) holding a copy of data. */
    public static Tensor ofInts(int[] data) {
        return ofInts(Backends.defaultBackend(), data, data.length);
    }

    public static Tensor ofInts(int[] data, int... shape) {
        return ofInts(Backends.defaultBackend(), data, shape);
    }

    public static Tensor ofInts(Backend backend, int[] data, int... shape) {
        return adopt(backend.upload(data), filled("ofInts", data.length, shape), DType.I32);
    }

    private static int[] filled(String op, int length, int[] shape) {
        int[] s = Shape.checked(op, shape);
        if (Shape.numel(s) != length) {
            throw new IllegalArgumentException(op + ": " + length + " values do not fill shape " + Shape.str(s));
        }
        return s;
    }

    /**
     * A float tensor that belongs to no memory scope even when one is open: parameters, optimizer state,
     * running statistics. It lives until it is unreachable.
     */
    public static Tensor persistent(Backend backend, float[] data, int... shape) {
        return new Tensor(new Buffer(backend.upload(data)), filled("persistent", data.length, shape), DType.F32);
    }

    private static Tensor adopt(Storage storage, int[] shape, DType dtype) {
        Buffer b = new Buffer(storage);
        MemoryScope scope = MemoryScope.current();
        if (scope != null) scope.adopt(b);
        return new Tensor(b, shape, dtype);
    }

    /** Standard normal values from the generator (Philox4x32-10, identical on every backend). */
    public static Tensor randn(Generator g, int... shape) {
        return g.normal(Backends.defaultBackend(), 0f, 1f, Shape.checked("randn", shape));
    }

    /** Uniform values in [0, 1) from the generator. */
    public static Tensor rand(Generator g, int... shape) {
        return g.uniform(Backends.defaultBackend(), 0f, 1f, Shape.checked("rand", shape));
    }

    public static Tensor uniform(Generator g, float low, float high, int... shape) {
        return g.uniform(Backends.defaultBackend(), low, high, Shape.checked("uniform", shape));
    }

    /** A copy of this tensor on another backend (no gradient flows through the copy). */
    public Tensor to(Backend target) {
        if (target == backend()) return this;
        return dtype == DType.F32 ? of(target, toFloatArray(), shape.clone()) : ofInts(target, toIntArray(), shape.clone());
    }

    // ---- properties ------------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int size(int axis) {
        return shape[Shape.axis("size", axis, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public DType dtype() {
        return dtype;
    }

    public Backend backend() {
        return buffer.storage.backend();
    }

    Buffer buffer() {
        return buffer;
    }

    /** The storage, checked to be alive: a tensor whose scope has closed cannot be used. */
    Storage storage() {
        Storage s = buffer.storage;
        if (s.released()) {
            throw new IllegalStateException("a tensor of shape " + Shape.str(shape) + " was used after its memory "
                    + "scope closed; create it outside the scope or keep() it");
        }
        return s;
    }

    /** A view with another shape over the same storage (no copy); its gradient flows back reshaped. */
    Tensor view(int[] newShape) {
        return new Tensor(buffer, newShape, dtype);
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + ", " + Shape.str(shape) + ", " + backend().name()
                + (requiresGrad ? (gradFn != null ? ", grad_fn=" + gradFn.op : ", requires_grad") : "") + ")";
    }

    // ---- host access (the only ways data leaves the backend) -------------------------------------

    public float[] toFloatArray() {
        requireDType("toFloatArray", DType.F32);
        float[] out = new float[numel()];
        backend().download(storage(), out);
        return out;
    }

    public int[] toIntArray() {
        requireDType("toIntArray", DType.I32);
        int[] out = new int[numel()];
        backend().download(storage(), out);
        return out;
    }

    /** The value of a single-element tensor, copied to the host. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor has shape " + Shape.str(shape) + ", not a single element");
        }
        return dtype == DType.F32 ? toFloatArray()[0] : toIntArray()[0];
    }

    void requireDType(String op, DType expected) {
        if (dtype != expected) throw new IllegalArgumentException(op + ": expected a " + expected + " tensor, got " + dtype);
    }

    // ---- autograd --------------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a variable whose gradient is wanted. */
    public Tensor requiresGrad(boolean value) {
        if (value && dtype != DType.F32) throw new IllegalArgumentException("requiresGrad: " + dtype + " tensors have no gradients");
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on the result of " + gradFn.op + "; use detach()");
        }
        requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf, or null before the first backward. */
    public Tensor grad() {
        return grad;
    }

    /** Sets the accumulated gradient to zero, keeping its storage. */
    public void zeroGrad() {
        if (grad != null) backend().fill(grad.storage(), 0f);
    }

    /** Forgets the gradient and its storage. */
    public void clearGrad() {
        grad = null;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    Autograd.Node gradFn() {
        return gradFn;
    }

    void attach(Autograd.Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    /** Adds g into this leaf's gradient, which lives in the leaf's own scope (usually none). */
    void accumulateGrad(Tensor g) {
        if (grad == null) {
            grad = emptyIn(buffer.owner, backend(), DType.F32, shape.clone());
            backend().copy(g.storage(), 0, grad.storage(), 0, numel());
        } else {
            backend().elementwise().binary(rrcm.backend.BinaryOp.ADD, grad.storage(), shape, g.storage(), shape, grad.storage(), shape);
        }
    }

    /** Computes gradients of this single-element tensor with respect to every leaf that requires them. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /** The same values, cut from the graph (shares storage). */
    public Tensor detach() {
        return new Tensor(buffer, shape, dtype);
    }

    // ---- pointwise -------------------------------------------------------------------------------

    public Tensor add(Tensor o) { return Pointwise.add(this, o); }
    public Tensor sub(Tensor o) { return Pointwise.sub(this, o); }
    public Tensor mul(Tensor o) { return Pointwise.mul(this, o); }
    public Tensor div(Tensor o) { return Pointwise.div(this, o); }
    public Tensor maximum(Tensor o) { return Pointwise.maximum(this, o); }
    public Tensor minimum(Tensor o) { return Pointwise.minimum(this, o); }
    /** 1 where equal, else 0 (float32, no gradient). */
    public Tensor eq(Tensor o) { return Pointwise.eq(this, o); }
    /** 1 where this &gt; o, else 0 (float32, no gradient). */
    public Tensor gt(Tensor o) { return Pointwise.gt(this, o); }
    public Tensor add(float s) { return Pointwise.add(this, s); }
    public Tensor sub(float s) { return Pointwise.add(this, -s); }
    public Tensor mul(float s) { return Pointwise.mul(this, s); }
    public Tensor div(float s) { return Pointwise.div(this, s); }
    /** s - this. */
    public Tensor rsub(float s) { return Pointwise.rsub(this, s); }
    public Tensor pow(float p) { return Pointwise.pow(this, p); }
    public Tensor clampMin(float min) { return Pointwise.clampMin(this, min); }
    public Tensor neg() { return Pointwise.unary(this, rrcm.backend.UnaryOp.NEG); }
    public Tensor exp() { return Pointwise.unary(this, rrcm.backend.UnaryOp.EXP); }
    public Tensor log() { return Pointwise.unary(this, rrcm.backend.UnaryOp.LOG); }
    public Tensor sqrt() { return Pointwise.unary(this, rrcm.backend.UnaryOp.SQRT); }
    public Tensor relu() { return Pointwise.unary(this, rrcm.backend.UnaryOp.RELU); }
    /** GELU in its exact form x * Phi(x). */
    public Tensor gelu() { return Pointwise.unary(this, rrcm.backend.UnaryOp.GELU); }
    public Tensor tanh() { return Pointwise.unary(this, rrcm.backend.UnaryOp.TANH); }
    public Tensor sigmoid() { return Pointwise.unary(this, rrcm.backend.UnaryOp.SIGMOID); }
    public Tensor abs() { return Pointwise.unary(this, rrcm.backend.UnaryOp.ABS); }

    // ---- reductions ------------------------------------------------------------------------------

    /** Sum of every element, shape (). */
    public Tensor sum() { return Reductions.sum(this, Reductions.all(rank()), false); }
    public Tensor sum(int axis, boolean keepDim) { return Reductions.sum(this, new int[] {axis}, keepDim); }
    public Tensor sum(int[] axes, boolean keepDim) { return Reductions.sum(this, axes, keepDim); }
    public Tensor mean() { return Reductions.mean(this, Reductions.all(rank()), false); }
    public Tensor mean(int axis, boolean keepDim) { return Reductions.mean(this, new int[] {axis}, keepDim); }
    public Tensor mean(int[] axes, boolean keepDim) { return Reductions.mean(this, axes, keepDim); }
    /** Largest value over the axes; the gradient is shared equally among tied maxima. */
    public Tensor max(int axis, boolean keepDim) { return Reductions.max(this, new int[] {axis}, keepDim); }
    public Tensor max(int[] axes, boolean keepDim) { return Reductions.max(this, axes, keepDim); }
    public Tensor max() { return Reductions.max(this, Reductions.all(rank()), false); }
    public Tensor logSumExp(int axis, boolean keepDim) { return Reductions.logSumExp(this, new int[] {axis}, keepDim); }
    public Tensor logSumExp(int[] axes, boolean keepDim) { return Reductions.logSumExp(this, axes, keepDim); }

    // ---- linear algebra, normalization -----------------------------------------------------------

    /** (..., m, k) @ (..., k, n); batch axes broadcast. */
    public Tensor matmul(Tensor o) { return Linalg.matmul(this, o, false, false); }
    /** op(this) @ op(o) where op transposes the last two axes when asked. */
    public Tensor matmul(Tensor o, boolean transThis, boolean transOther) { return Linalg.matmul(this, o, transThis, transOther); }
    public Tensor softmax() { return Normalization.softmax(this, false); }
    public Tensor logSoftmax() { return Normalization.softmax(this, true); }
    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) { return Normalization.layerNorm(this, weight, bias, eps); }
    /** x / max(||x||_2, eps) along the axis. */
    public Tensor l2Normalize(int axis, float eps) { return Normalization.l2Normalize(this, axis, eps); }

    // ---- layout and indexing ---------------------------------------------------------------------

    /** A view with a new shape (one size may be -1). */
    public Tensor reshape(int... newShape) { return Layout.reshape(this, newShape); }
    public Tensor flatten(int fromAxis, int toAxis) { return Layout.flatten(this, fromAxis, toAxis); }
    public Tensor unsqueeze(int axis) { return Layout.unsqueeze(this, axis); }
    public Tensor squeeze(int axis) { return Layout.squeeze(this, axis); }
    /** A copy with axes reordered: result axis i is this axis perm[i]. */
    public Tensor permute(int... perm) { return Layout.permute(this, perm); }
    public Tensor transpose(int a, int b) { return Layout.transpose(this, a, b); }
    /** A copy broadcast to the shape. */
    public Tensor expand(int... newShape) { return Layout.expand(this, newShape); }
    /** Elements [start, start + length) along the axis (a copy). */
    public Tensor narrow(int axis, int start, int length) { return Layout.narrow(this, axis, start, length); }
    /** int32 positions of the maxima along the axis (the axis removed). */
    public Tensor argmax(int axis) { return Indexing.argmax(this, axis); }
    public Tensor toFloat() { return Indexing.convert(this, DType.F32); }
    public Tensor toInt() { return Indexing.convert(this, DType.I32); }
    /** A copy that is part of the graph (gradient flows through it). */
    public Tensor copy() { return Layout.copy(this); }

    public static Tensor concat(List<Tensor> parts, int axis) { return Layout.concat(parts, axis); }
    public static Tensor stack(List<Tensor> parts, int axis) { return Layout.stack(parts, axis); }
}
