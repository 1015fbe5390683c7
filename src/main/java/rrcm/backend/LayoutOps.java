package rrcm.backend;

/**
 * The family {@code layout}: copies that move elements without computing, for either dtype. Slicing,
 * concatenation and stacking (and their gradients) are {@link #copyRows}; transposes are {@link #permute}.
 */
public abstract class LayoutOps<S extends Storage> extends Family<S> {
    protected LayoutOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /**
     * Copies {@code rows} runs of {@code rowLength} elements: run r goes from src[srcOffset + r * srcStride] to
     * dst[dstOffset + r * dstStride], added to dst's values when {@code accumulate}. src and dst have one dtype.
     */
    public final void copyRows(Storage src, int srcOffset, int srcStride, Storage dst, int dstOffset, int dstStride,
                               int rows, int rowLength, boolean accumulate) {
        String op = "copy_rows";
        S s = own(op, "source", src), d = own(op, "destination", dst);
        require(s.dtype() == d.dtype(), op, s.dtype() + " to " + d.dtype());
        require(rows >= 0 && rowLength >= 0, op, "negative rows " + rows + " or row length " + rowLength);
        if (rows == 0 || rowLength == 0) return;
        long lastSrc = srcOffset + (long) (rows - 1) * srcStride + rowLength;
        long lastDst = dstOffset + (long) (rows - 1) * dstStride + rowLength;
        if (srcOffset < 0 || dstOffset < 0 || srcStride < 0 || dstStride < 0 || lastSrc > s.numel() || lastDst > d.numel()) {
            throw new IndexOutOfBoundsException(op + ": runs reach element " + lastSrc + " of " + s.numel() + " (source) and "
                    + lastDst + " of " + d.numel() + " (destination)");
        }
        doCopyRows(s, srcOffset, srcStride, d, dstOffset, dstStride, rows, rowLength, accumulate);
    }

    /** dst = src permuted: dst axis i is src axis perm[i]. */
    public final void permute(Storage src, int[] shape, int[] perm, Storage dst) {
        String op = "permute";
        require(shape.length == perm.length, op, "a permutation of " + perm.length + " axes for a shape of " + shape.length);
        boolean[] seen = new boolean[perm.length];
        for (int p : perm) {
            require(p >= 0 && p < perm.length && !seen[p], op, java.util.Arrays.toString(perm) + " is not a permutation");
            seen[p] = true;
        }
        long n = count(op, "size", shape);
        S s = own(op, "source", src), d = own(op, "destination", dst);
        require(s.dtype() == d.dtype(), op, s.dtype() + " to " + d.dtype());
        require(s.numel() == n && d.numel() == n, op, "the source has " + s.numel() + " and the destination " + d.numel()
                + " elements where " + n + " are needed");
        if (n > 0) doPermute(s, shape.clone(), perm.clone(), d);
    }

    protected abstract void doCopyRows(S src, int srcOffset, int srcStride, S dst, int dstOffset, int dstStride, int rows,
                                       int rowLength, boolean accumulate);

    protected abstract void doPermute(S src, int[] shape, int[] perm, S dst);
}
