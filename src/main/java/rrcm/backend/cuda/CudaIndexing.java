package rrcm.backend.cuda;

import rrcm.device.KernelArgs;

/**
 * Index ops and argmax on the device (kernels/indexing.cu), with the signatures and semantics of the
 * {@link rrcm.backend.Backend} methods of the same names; the accumulating ones (indexAdd, scatterAdd)
 * add in the CPU backend's order, so they give its bits, without atomics.
 *
 * <p>Indices live on the device, so a bad one is found there: a check kernel records the first bad
 * position, the host reads that one integer (the only host round trip of these ops) and throws the CPU
 * backend's message before anything is written.
 */
public final class CudaIndexing {
    private final CudaOps ops;

    public CudaIndexing(CudaOps ops) {
        this.ops = ops;
    }

    public void indexSelect(CudaStorage src, int outer, int axis, int inner, CudaStorage index, int count, CudaStorage dst) {
        String op = "index_select";
        ops.own(src, op);
        ops.own(dst, op);
        if (src.dtype() != dst.dtype()) throw new IllegalArgumentException(op + ": " + src.dtype() + " to " + dst.dtype());
        sizes(op, src, (long) outer * axis * inner, dst, (long) outer * count * inner, index, count);
        checkIndices(op, index, count, axis);
        long total = (long) outer * count * inner;
        if (total == 0) return;
        ops.launch1d("index_select", total, KernelArgs.of().ptr(src.buffer()).ptr(dst.buffer()).i32(outer).i32(axis).i32(inner)
                .ptr(index.buffer()).i32(count));
    }

    public void indexAdd(CudaStorage src, int outer, int axis, int inner, CudaStorage index, int count, CudaStorage dst) {
        String op = "index_add";
        ops.f32(src, op);
        ops.f32(dst, op);
        sizes(op, src, (long) outer * count * inner, dst, (long) outer * axis * inner, index, count);
        checkIndices(op, index, count, axis);
        long total = (long) outer * axis * inner;
        if (total == 0 || count == 0) return;
        ops.launch1d("index_add", total, KernelArgs.of().ptr(src.buffer()).ptr(dst.buffer()).i32(outer).i32(axis).i32(inner)
                .ptr(index.buffer()).i32(count));
    }

    public void gather(CudaStorage src, int outer, int axis, int inner, CudaStorage index, int count, CudaStorage dst) {
        String op = "gather";
        ops.own(src, op);
        ops.own(dst, op);
        if (src.dtype() != dst.dtype()) throw new IllegalArgumentException(op + ": " + src.dtype() + " to " + dst.dtype());
        long total = (long) outer * count * inner;
        sizes(op, src, (long) outer * axis * inner, dst, total, index, total);
        checkIndices(op, index, (int) total, axis);
        if (total == 0) return;
        ops.launch1d("gather", total, KernelArgs.of().ptr(src.buffer()).ptr(dst.buffer()).i32(outer).i32(axis).i32(inner)
                .ptr(index.buffer()).i32(count));
    }

    public void scatterAdd(CudaStorage src, int outer, int axis, int inner, CudaStorage index, int count, CudaStorage dst) {
        String op = "scatter_add";
        ops.f32(src, op);
        ops.f32(dst, op);
        long positions = (long) outer * count * inner;
        sizes(op, src, positions, dst, (long) outer * axis * inner, index, positions);
        checkIndices(op, index, (int) positions, axis);
        long total = (long) outer * axis * inner;
        if (total == 0 || count == 0) return;
        ops.launch1d("scatter_add", total, KernelArgs.of().ptr(src.buffer()).ptr(dst.buffer()).i32(outer).i32(axis).i32(inner)
                .ptr(index.buffer()).i32(count));
    }

    /** dst (outer, inner) I32 = position of the largest value along the axis; the first one on ties, NaN wins. */
    public void argmax(CudaStorage src, int outer, int axis, int inner, CudaStorage dst) {
        String op = "argmax";
        ops.f32(src, op);
        ops.i32(dst, op);
        if (axis < 1) throw new IllegalArgumentException(op + ": an axis of size " + axis + " has no largest value");
        CudaOps.sameLength(op, src.numel(), (long) outer * axis * inner);
        CudaOps.sameLength(op, dst.numel(), (long) outer * inner);
        long total = (long) outer * inner;
        if (total == 0) return;
        ops.launch1d("argmax", total, KernelArgs.of().ptr(src.buffer()).ptr(dst.buffer()).i32(outer).i32(axis).i32(inner));
    }

    private void sizes(String op, CudaStorage src, long srcNumel, CudaStorage dst, long dstNumel, CudaStorage index, long indices) {
        ops.i32(index, op);
        CudaOps.sameLength(op + " (source)", src.numel(), srcNumel);
        CudaOps.sameLength(op + " (destination)", dst.numel(), dstNumel);
        CudaOps.sameLength(op + " (index)", index.numel(), indices);
    }

    /** Throws the CPU backend's IndexOutOfBoundsException for the first of the n indices outside [0, axis). */
    private void checkIndices(String op, CudaStorage index, int n, int axis) {
        if (n == 0) return;
        int at = CudaChecks.firstOutside(ops, index, n, axis);
        if (at >= 0) {
            int k = CudaChecks.read(ops, index, at);
            throw new IndexOutOfBoundsException(op + ": index " + k + " is outside [0, " + axis + ")");
        }
    }
}
