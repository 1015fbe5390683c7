package rrcm.backend.cuda;

import rrcm.backend.AttentionShape;
import rrcm.backend.DType;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * Fused scaled-dot-product attention on the device (kernels/flash.cu), with the signatures and
 * semantics of {@link rrcm.backend.Backend#attention} and {@link rrcm.backend.Backend#attentionBackward}.
 * A warp owns a row and a block of eight warps shares key/value (or query/output-gradient) tiles of 32
 * rows in shared memory; the forward keeps an online softmax per query row, the backward recomputes the
 * probabilities from the saved log-sum-exp in two kernels, one over query rows (dQ) and one over key
 * rows (dK, dV), so that no output is accumulated by two blocks and no atomics are needed.
 */
public final class CudaFusedAttention {
    /** Head dimensions up to this are held four floats per lane of a warp. */
    public static final int MAX_HEAD_DIM = 128;
    private static final int ROWS = 8, TILE = 32, MAX_GRID_Y = 65535;

    private final CudaOps ops;

    public CudaFusedAttention(CudaOps ops) {
        this.ops = ops;
    }

    public void attention(AttentionShape s, CudaStorage q, CudaStorage k, CudaStorage v, CudaStorage o, CudaStorage lse) {
        String op = "attention";
        check(op, s, q, k, v, o, lse);
        ops.device().launch("attention_forward", grid(s.tq(), s.heads()), Dim3.of(32, ROWS), shared(s), KernelArgs.of()
                .ptr(q.buffer()).ptr(k.buffer()).ptr(v.buffer()).ptr(o.buffer()).ptr(lse.buffer())
                .i32(s.heads()).i32(s.tq()).i32(s.tk()).i32(s.dh()).f32(s.scale()));
    }

    public void attentionBackward(AttentionShape s, CudaStorage q, CudaStorage k, CudaStorage v, CudaStorage o, CudaStorage lse,
                                  CudaStorage go, CudaStorage gq, CudaStorage gk, CudaStorage gv) {
        String op = "attention_backward";
        check(op, s, q, k, v, o, lse);
        long qn = (long) s.heads() * s.tq() * s.dh(), kn = (long) s.heads() * s.tk() * s.dh();
        need(op, "output gradient", go, qn);
        need(op, "query gradient", gq, qn);
        need(op, "key gradient", gk, kn);
        need(op, "value gradient", gv, kn);
        int rows = s.heads() * s.tq();
        CudaStorage d = ops.allocate(DType.F32, rows);
        try {
            ops.device().launch("attention_rowdot", Dim3.of((rows + ROWS - 1) / ROWS), Dim3.of(32, ROWS), 0,
                    KernelArgs.of().ptr(o.buffer()).ptr(go.buffer()).ptr(d.buffer()).i32(rows).i32(s.dh()));
            ops.device().launch("attention_backward_dq", grid(s.tq(), s.heads()), Dim3.of(32, ROWS), shared(s),
                    backwardInputs(q, k, v, go, lse, d).ptr(gq.buffer()).i32(s.heads()).i32(s.tq()).i32(s.tk()).i32(s.dh())
                            .f32(s.scale()));
            ops.device().launch("attention_backward_dkv", grid(s.tk(), s.heads()), Dim3.of(32, ROWS), shared(s),
                    backwardInputs(q, k, v, go, lse, d).ptr(gk.buffer()).ptr(gv.buffer()).i32(s.heads()).i32(s.tq())
                            .i32(s.tk()).i32(s.dh()).f32(s.scale()));
        } finally {
            ops.release(d);
        }
    }

    private static KernelArgs backwardInputs(CudaStorage q, CudaStorage k, CudaStorage v, CudaStorage go, CudaStorage lse,
                                             CudaStorage d) {
        return KernelArgs.of().ptr(q.buffer()).ptr(k.buffer()).ptr(v.buffer()).ptr(go.buffer()).ptr(lse.buffer()).ptr(d.buffer());
    }

    private static Dim3 grid(int rows, int heads) {
        if (heads > MAX_GRID_Y) throw new IllegalArgumentException("attention: at most " + MAX_GRID_Y + " heads per call, got " + heads);
        return new Dim3((rows + ROWS - 1) / ROWS, heads, 1);
    }

    /** Two tiles of TILE rows of dh floats. */
    private static int shared(AttentionShape s) {
        return 2 * TILE * s.dh() * Float.BYTES;
    }

    private void check(String op, AttentionShape s, CudaStorage q, CudaStorage k, CudaStorage v, CudaStorage o, CudaStorage lse) {
        if (s.dh() > MAX_HEAD_DIM) {
            throw new IllegalArgumentException(op + ": head dimension " + s.dh() + " is above the " + MAX_HEAD_DIM
                    + " the CUDA kernels hold per warp");
        }
        long qn = (long) s.heads() * s.tq() * s.dh(), kn = (long) s.heads() * s.tk() * s.dh();
        need(op, "queries", q, qn);
        need(op, "keys", k, kn);
        need(op, "values", v, kn);
        need(op, "output", o, qn);
        need(op, "lse", lse, (long) s.heads() * s.tq());
    }

    private void need(String op, String what, CudaStorage s, long numel) {
        ops.f32(s, op);
        CudaOps.sameLength(op + " (" + what + ")", s.numel(), numel);
    }
}
