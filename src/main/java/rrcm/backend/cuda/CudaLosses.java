package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.backend.LossOps;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The losses family on the device (kernels/losses.cu).
 *
 * <p>Cross-entropy: one block per row, the row's maximum, sum of exponentials and (soft targets) target
 * mass and target-weighted logits by block reductions, the gradient written from the saved log-sum-exp
 * without storing the probabilities. Labels are checked inside the forward kernel, not by a read-back
 * before it: a check that waits for the device would stall every training step. A bad label gets a NaN
 * loss and is recorded on the device; {@link #checkPending} reads the record at the backend's next
 * download (where the host waits anyway) and throws {@link LossOps#badLabel}'s message there. The
 * backward never indexes by the label, so it needs no check.
 *
 * <p>InfoNCE: a warp per row, tiles of the other operand in shared memory, an online log-sum-exp; the
 * backward recomputes the probabilities from the saved log-sum-exp, once over query rows (gq) and once
 * over key rows (gk), so that the (rows, rows) logits never reach global memory and no output is
 * accumulated by two blocks.
 */
final class CudaLosses extends LossOps<CudaStorage> {
    private static final int MAX_BLOCKS = 65535;
    /** InfoNCE: rows per block (a warp each), and the most rows of the other operand per shared-memory tile. */
    private static final int ROWS = 8, MAX_TILE = 64, SHARED_FLOATS = 12 * 1024;
    /** On the device: first bad row (or Integer.MAX_VALUE), its label, the classes of its call (0: none). */
    private static final int[] CLEAR = {Integer.MAX_VALUE, 0, 0};

    private final CudaRuntime rt;
    private CudaStorage err;
    private boolean pending;

    CudaLosses(CudaBackend backend, CudaRuntime rt) {
        super(backend, CudaStorage.class);
        this.rt = rt;
    }

    /**
     * Throws for the first out-of-range label of the forward calls since the last check; a read of a few
     * bytes, done only when a forward with labels ran since.
     */
    synchronized void checkPending() {
        if (!pending) return;
        pending = false;
        int[] e = new int[3];
        rt.download(err, e);
        if (e[2] == 0) return;
        rt.device().copyFromHost(CLEAR, 0, err.buffer(), 0, CLEAR.length);
        throw badLabel(e[0], e[1], e[2]);
    }

    @Override
    protected synchronized void doCrossEntropy(CudaStorage logits, CudaStorage target, CudaStorage loss, CudaStorage lse,
                                               int rows, int classes) {
        boolean hard = target.dtype() == DType.I32;
        if (hard && err == null) err = rt.upload(CLEAR);
        KernelArgs args = KernelArgs.of().ptr(logits.buffer());
        args = hard ? args.ptr(target.buffer()).ptr(null) : args.ptr(null).ptr(target.buffer());
        rt.device().launch("xent_forward", Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(rowThreads(classes)), 0,
                args.ptr(loss.buffer()).ptr(lse.buffer()).i32(rows).i32(classes).ptr(hard ? err.buffer() : null));
        if (hard) {
            rt.device().launch("xent_bad_label", Dim3.of(1), Dim3.of(32), 0,
                    KernelArgs.of().ptr(target.buffer()).ptr(err.buffer()).i32(classes));
            pending = true;
        }
    }

    @Override
    protected void doCrossEntropyBackward(CudaStorage logits, CudaStorage lse, CudaStorage target, CudaStorage gLoss,
                                          CudaStorage gx, int rows, int classes) {
        boolean hard = target.dtype() == DType.I32;
        KernelArgs args = KernelArgs.of().ptr(logits.buffer()).ptr(lse.buffer());
        args = hard ? args.ptr(target.buffer()).ptr(null) : args.ptr(null).ptr(target.buffer());
        rt.device().launch("xent_backward", Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(rowThreads(classes)), 0,
                args.ptr(gLoss.buffer()).ptr(gx.buffer()).i32(rows).i32(classes));
    }

    /** Threads per row: a warp for small rows, up to 256 for long ones. */
    private static int rowThreads(int classes) {
        int t = 32;
        while (t < 256 && t < classes) t *= 2;
        return t;
    }

    @Override
    protected void doInfoNce(CudaStorage q, CudaStorage k, int rows, int dim, float invTau, CudaStorage lse, CudaStorage loss) {
        int tile = tile(dim);
        rt.device().launch("infonce_forward", grid(rows), Dim3.of(32, ROWS), tile * dim * Float.BYTES, KernelArgs.of()
                .ptr(q.buffer()).ptr(k.buffer()).ptr(lse.buffer()).ptr(loss.buffer()).i32(rows).i32(dim).f32(invTau).i32(tile));
    }

    @Override
    protected void doInfoNceBackward(CudaStorage q, CudaStorage k, CudaStorage lse, CudaStorage gLoss, int rows, int dim,
                                     float invTau, CudaStorage gq, CudaStorage gk) {
        int tile = tile(dim), shared = tile * dim * Float.BYTES;
        rt.device().launch("infonce_backward_q", grid(rows), Dim3.of(32, ROWS), shared, KernelArgs.of().ptr(q.buffer())
                .ptr(k.buffer()).ptr(lse.buffer()).ptr(gLoss.buffer()).ptr(gq.buffer()).i32(rows).i32(dim).f32(invTau).i32(tile));
        if (gk != null) {
            rt.device().launch("infonce_backward_k", grid(rows), Dim3.of(32, ROWS), shared, KernelArgs.of().ptr(q.buffer())
                    .ptr(k.buffer()).ptr(lse.buffer()).ptr(gLoss.buffer()).ptr(gk.buffer()).i32(rows).i32(dim).f32(invTau)
                    .i32(tile));
        }
    }

    /** Rows of the other operand per shared-memory tile: as many as fit 48 KB, at most 64. */
    private static int tile(int dim) {
        return Math.max(1, Math.min(MAX_TILE, SHARED_FLOATS / dim));
    }

    private static Dim3 grid(int rows) {
        return Dim3.of((rows + ROWS - 1) / ROWS);
    }
}
