package rrcm.backend;

/**
 * The family {@code gemm}: the batched matrix product {@link Gemm} describes. Its operands may be larger
 * than one product reads (a batch strides through them), so a storage must hold at least
 * {@code stride * (batch - 1) + rows * cols} elements, not exactly that many.
 */
public abstract class GemmOps<S extends Storage> extends Family<S> {
    protected GemmOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /** c = alpha op(a) op(b) + beta c for each of the batch's products. */
    public final void multiply(Gemm g, Storage a, Storage b, Storage c) {
        java.util.Objects.requireNonNull(g, "gemm: the product's description is null");
        S as = reach("a", a, g.strideA(), (long) g.m() * g.k(), g.batch());
        S bs = reach("b", b, g.strideB(), (long) g.k() * g.n(), g.batch());
        S cs = reach("c", c, g.strideC(), (long) g.m() * g.n(), g.batch());
        if (g.batch() > 0 && g.m() > 0 && g.n() > 0) doMultiply(g, as, bs, cs);
    }

    private S reach(String what, Storage s, int stride, long size, int batch) {
        S own = f32("gemm", what, s);
        long needed = batch == 0 ? 0 : (long) stride * (batch - 1) + size;
        require(own.numel() >= needed, "gemm", "the storage of " + what + " has " + own.numel()
                + " elements, the product reads or writes " + needed);
        return own;
    }

    protected abstract void doMultiply(Gemm g, S a, S b, S c);
}
