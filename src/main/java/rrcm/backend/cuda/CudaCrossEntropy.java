package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * Cross-entropy fused with log-softmax on the device (kernels/xent.cu), with the signatures and
 * semantics of {@link rrcm.backend.Backend#crossEntropy} and {@link rrcm.backend.Backend#crossEntropyBackward}:
 * one block per row, the row's maximum, sum of exponentials and (soft targets) target mass and
 * target-weighted logits by block reductions, the gradient written from the saved log-sum-exp without
 * storing the probabilities. Hard labels are checked on the device first; a bad one fails with the CPU
 * backend's message and nothing is written.
 */
public final class CudaCrossEntropy {
    private static final int MAX_BLOCKS = 65535;

    private final CudaOps ops;

    public CudaCrossEntropy(CudaOps ops) {
        this.ops = ops;
    }

    public void crossEntropy(CudaStorage logits, CudaStorage target, CudaStorage loss, CudaStorage lse, int rows, int classes) {
        String op = "cross_entropy";
        boolean hard = checkTarget(op, logits, target, rows, classes);
        CudaOps.sameLength(op + " (loss)", ops.f32(loss, op).numel(), rows);
        CudaOps.sameLength(op + " (lse)", ops.f32(lse, op).numel(), rows);
        if (rows == 0) return;
        if (hard) checkLabels(target, rows, classes);
        KernelArgs args = KernelArgs.of().ptr(logits.buffer());
        args = hard ? args.ptr(target.buffer()).ptr(null) : args.ptr(null).ptr(target.buffer());
        ops.device().launch("xent_forward", Dim3.of(Math.min(rows, MAX_BLOCKS)), Dim3.of(threads(classes)), 0,
                args.ptr(loss.buffer()).ptr(lse.buffer()).i32(rows).i32(classes));
    }

    public void crossEntropyBackward(CudaStorage logits, CudaStorage lse, CudaStorage target, CudaStorage gLoss, CudaStorage gx,
                                     int rows, int classes) {
        String op = "cross_entropy_backward";
        boolean hard = checkTarget(op, logits, target, rows, classes);
        CudaOps.sameLength(op + " (lse)", ops.f32(lse, op).numel(), rows);
        CudaOps.sameLength(op + " (loss gradient)", ops.f32(gLoss, op).numel(), rows);
        CudaOps.sameLength(op + " (gradient)", ops.f32(gx, op).numel(), (long) rows * classes);
        if (rows == 0 || classes == 0) return;
        if (hard) checkLabels(target, rows, classes);
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

    private void checkLabels(CudaStorage labels, int rows, int classes) {
        int row = CudaChecks.firstOutside(ops, labels, rows, classes);
        if (row >= 0) {
            throw new IllegalArgumentException("cross_entropy: label " + CudaChecks.read(ops, labels, row) + " of row " + row
                    + " is outside [0, " + classes + ")");
        }
    }
}
