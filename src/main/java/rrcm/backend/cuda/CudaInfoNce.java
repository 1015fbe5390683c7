package rrcm.backend.cuda;

import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * Fused InfoNCE on the device (kernels/infonce.cu), with the semantics of
 * {@link rrcm.backend.Backend#infoNce} and {@link rrcm.backend.Backend#infoNceBackward}: a warp per row,
 * tiles of the other operand in shared memory, an online log-sum-exp; the backward recomputes the
 * probabilities from the saved log-sum-exp, once over query rows (gq) and once over key rows (gk), so
 * that the (rows, rows) logits never reach global memory and no output is accumulated by two blocks.
 */
public final class CudaInfoNce {
    /** Feature dimensions up to this are held 32 floats per lane of a warp. */
    public static final int MAX_DIM = 1024;
    private static final int ROWS = 8, MAX_TILE = 64, SHARED_FLOATS = 12 * 1024;

    private final CudaOps ops;

    public CudaInfoNce(CudaOps ops) {
        this.ops = ops;
    }

    public void infoNce(CudaStorage q, CudaStorage k, int rows, int dim, float invTau, CudaStorage lse, CudaStorage loss) {
        String op = "info_nce";
        check(op, q, k, rows, dim);
        need(op, "lse", lse, rows);
        need(op, "loss", loss, rows);
        if (rows == 0) return;
        int tile = tile(dim);
        ops.device().launch("infonce_forward", grid(rows), Dim3.of(32, ROWS), tile * dim * Float.BYTES, KernelArgs.of()
                .ptr(q.buffer()).ptr(k.buffer()).ptr(lse.buffer()).ptr(loss.buffer()).i32(rows).i32(dim).f32(invTau).i32(tile));
    }

    public void infoNceBackward(CudaStorage q, CudaStorage k, CudaStorage lse, CudaStorage gLoss, int rows, int dim, float invTau,
                                CudaStorage gq, CudaStorage gk) {
        String op = "info_nce_backward";
        check(op, q, k, rows, dim);
        need(op, "lse", lse, rows);
        need(op, "loss gradient", gLoss, rows);
        need(op, "query gradient", gq, (long) rows * dim);
        if (gk != null) need(op, "key gradient", gk, (long) rows * dim);
        if (rows == 0) return;
        int tile = tile(dim), shared = tile * dim * Float.BYTES;
        ops.device().launch("infonce_backward_q", grid(rows), Dim3.of(32, ROWS), shared, KernelArgs.of().ptr(q.buffer())
                .ptr(k.buffer()).ptr(lse.buffer()).ptr(gLoss.buffer()).ptr(gq.buffer()).i32(rows).i32(dim).f32(invTau).i32(tile));
        if (gk != null) {
            ops.device().launch("infonce_backward_k", grid(rows), Dim3.of(32, ROWS), shared, KernelArgs.of().ptr(q.buffer())
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

    private void check(String op, CudaStorage q, CudaStorage k, int rows, int dim) {
        if (dim < 1 || dim > MAX_DIM) {
            throw new IllegalArgumentException(op + ": feature dimension " + dim + " is outside the 1 to " + MAX_DIM
                    + " the CUDA kernels hold per warp");
        }
        need(op, "queries", q, (long) rows * dim);
        need(op, "keys", k, (long) rows * dim);
    }

    private void need(String op, String what, CudaStorage s, long numel) {
        ops.f32(s, op);
        CudaOps.sameLength(op + " (" + what + ")", s.numel(), numel);
    }
}
