package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.backend.Gemm;
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
 * <p>InfoNCE as PyTorch's composition does it, with fewer passes: the logits S = q k^T / tau by one float
 * GEMM into a temporary (cuBLAS where present), then one row kernel for the log-sum-exp and the loss; the
 * backward makes S again, turns it into dS = g (softmax(S) - I) / tau in place in one row kernel, and
 * two GEMMs give gq = dS k and gk = dS^T q. (Earlier warp-per-row kernels that never stored S spent about
 * 100 warp instructions per logit: 5-10x slower than PyTorch by a review's estimate.)
 */
final class CudaLosses extends LossOps<CudaStorage> {
    private static final int MAX_BLOCKS = 65535;
    /** On the device: first bad row (or Integer.MAX_VALUE), its label, the classes of its call (0: none). */
    private static final int[] CLEAR = {Integer.MAX_VALUE, 0, 0};

    private final CudaRuntime rt;
    private final CudaGemm gemm;
    private CudaStorage err;
    private boolean pending;

    CudaLosses(CudaBackend backend, CudaRuntime rt, CudaGemm gemm) {
        super(backend, CudaStorage.class);
        this.rt = rt;
        this.gemm = gemm;
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

    /**
     * The logits S = q k^T / tau of one call, (rows, rows), in a temporary: one float GEMM (cuBLAS where the
     * device has it, in plain float as PyTorch's default matmul).
     */
    private CudaStorage logits(CudaStorage q, CudaStorage k, int rows, int dim, float invTau) {
        CudaStorage s = rt.allocate(DType.F32, rows * rows);
        gemm.multiplyFp32(new Gemm(1, rows, rows, dim, false, true, 0, 0, 0, invTau, 0f), q, k, s);
        return s;
    }

    @Override
    protected void doInfoNce(CudaStorage q, CudaStorage k, int rows, int dim, float invTau, CudaStorage lse, CudaStorage loss) {
        CudaStorage s = logits(q, k, rows, dim, invTau);
        try {
            rt.device().launch("infonce_rows", Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(rowThreads(rows)), 0,
                    KernelArgs.of().ptr(s.buffer()).ptr(lse.buffer()).ptr(loss.buffer()).i32(rows));
        } finally {
            rt.release(s); // launches run in order: the block may go back to the pool at once
        }
    }

    @Override
    protected void doInfoNceBackward(CudaStorage q, CudaStorage k, CudaStorage lse, CudaStorage gLoss, int rows, int dim,
                                     float invTau, CudaStorage gq, CudaStorage gk) {
        CudaStorage s = logits(q, k, rows, dim, invTau);
        try {
            rt.device().launch("infonce_grad_rows", Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(rowThreads(rows)), 0,
                    KernelArgs.of().ptr(s.buffer()).ptr(lse.buffer()).ptr(gLoss.buffer()).i32(rows).f32(invTau));
            gemm.multiplyFp32(new Gemm(1, rows, dim, rows, false, false, 0, 0, 0, 1f, 0f), s, k, gq); // gq = dS k
            if (gk != null) gemm.multiplyFp32(new Gemm(1, rows, dim, rows, true, false, 0, 0, 0, 1f, 0f), s, q, gk); // dS^T q
        } finally {
            rt.release(s);
        }
    }
}
