package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * Cross-entropy fused with log-softmax on the device (kernels/xent.cu), with the signatures and
 * semantics of {@link rrcm.backend.Backend#crossEntropy} and {@link rrcm.backend.Backend#crossEntropyBackward}:
 * one block per row, the row's maximum, sum of exponentials and (soft targets) target mass and
 * target-weighted logits by block reductions, the gradient written from the saved log-sum-exp without
 * storing the probabilities.
 *
 * <p>Hard labels are checked inside the forward kernel, not by a read-back before it: a check that waits
 * for the device would stall every training step. A bad label gets a NaN loss and is recorded on the
 * device; {@link #checkPending} reads the record at the backend's next download (a point where the host
 * waits anyway) and throws the CPU backend's message there. The backward never indexes by the label, so
 * it needs no check.
 */
public final class CudaCrossEntropy {
    private static final int MAX_BLOCKS = 65535;

    private final CudaOps ops;
    /** On the device: first bad row (or Integer.MAX_VALUE), its label, the classes of its call (0: none). */
    private CudaStorage err;
    private static final int[] CLEAR = {Integer.MAX_VALUE, 0, 0};
    private boolean pending;

    public CudaCrossEntropy(CudaOps ops) {
        this.ops = ops;
    }

    /**
     * Throws for the first out-of-range label of the forward calls since the last check, with the CPU
     * backend's message; a read of a few bytes, done only when a forward with labels ran since.
     */
    public void checkPending() {
        if (!pending) return;
        pending = false;
        int[] e = new int[3];
        ops.download(err, e);
        if (e[2] == 0) return;
        ops.device().copyFromHost(CLEAR, 0, err.buffer(), 0, CLEAR.length);
        throw new IllegalArgumentException("cross_entropy: label " + e[1] + " of row " + e[0] + " is outside [0, " + e[2] + ")");
    }

    public void crossEntropy(CudaStorage logits, CudaStorage target, CudaStorage loss, CudaStorage lse, int rows, int classes) {
        String op = "cross_entropy";
        boolean hard = checkTarget(op, logits, target, rows, classes);
        CudaOps.sameLength(op + " (loss)", ops.f32(loss, op).numel(), rows);
        CudaOps.sameLength(op + " (lse)", ops.f32(lse, op).numel(), rows);
        if (rows == 0) return;
        if (hard && err == null) err = ops.upload(CLEAR);
        KernelArgs args = KernelArgs.of().ptr(logits.buffer());
        args = hard ? args.ptr(target.buffer()).ptr(null) : args.ptr(null).ptr(target.buffer());
        ops.device().launch("xent_forward", Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(threads(classes)), 0,
                args.ptr(loss.buffer()).ptr(lse.buffer()).i32(rows).i32(classes).ptr(hard ? err.buffer() : null));
        if (hard) {
            ops.device().launch("xent_bad_label", Dim3.of(1), Dim3.of(32), 0,
                    KernelArgs.of().ptr(target.buffer()).ptr(err.buffer()).i32(classes));
            pending = true;
        }
    }

    public void crossEntropyBackward(CudaStorage logits, CudaStorage lse, CudaStorage target, CudaStorage gLoss, CudaStorage gx,
                                     int rows, int classes) {
        String op = "cross_entropy_backward";
        boolean hard = checkTarget(op, logits, target, rows, classes);
        CudaOps.sameLength(op + " (lse)", ops.f32(lse, op).numel(), rows);
        CudaOps.sameLength(op + " (loss gradient)", ops.f32(gLoss, op).numel(), rows);
        CudaOps.sameLength(op + " (gradient)", ops.f32(gx, op).numel(), (long) rows * classes);
        if (rows == 0 || classes == 0) return;
        KernelArgs args = KernelArgs.of().ptr(logits.buffer()).ptr(lse.buffer());
        args = hard ? args.ptr(target.buffer()).ptr(null) : args.ptr(null).ptr(target.buffer());
        ops.device().launch("xent_backward", Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(threads(classes)), 0,
                args.ptr(gLoss.buffer()).ptr(gx.buffer()).i32(rows).i32(classes));
    }

    /** Threads per row: a warp for small rows, up to 256 for long ones. */
    private static int threads(int classes) {
        int t = 32;
        while (t < 256 && t < classes) t *= 2;
        return t;
    }

    private boolean checkTarget(String op, CudaStorage logits, CudaStorage target, int rows, int classes) {
        CudaOps.sameLength(op + " (logits)", ops.f32(logits, op).numel(), (long) rows * classes);
        ops.own(target, op);
        boolean hard = target.dtype() == DType.I32;
        CudaOps.sameLength(op + " (target)", target.numel(), hard ? rows : (long) rows * classes);
        return hard;
    }
}
