package rrcm.backend.cuda;

import rrcm.backend.AttentionOps;
import rrcm.backend.AttentionShape;
import rrcm.backend.DType;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The attention family on the device (kernels/attention.cu, whose header gives each kernel's contract),
 * FlashAttention-2 style: the (tq, tk) matrix never reaches device memory.
 *
 * <p>Launches, all with blocks of 128 threads (4 warps) and grid y = min(heads, 65535) (the kernels loop
 * over the heads beyond it), each kernel compiled for a column count DC = ceil(dh / 32) of 1, 2, 3, 4 or 8
 * (dh up to 256) with R = 8, 8, 4, 4, 2 rows per warp:
 * <ul>
 *   <li>{@link #forward}: one launch of {@code attn_fwd_dN}, a block per 4R query rows of a head, the
 *       key/value tiles of 32 rows staged in shared memory, online softmax in registers. Writes o and lse.</li>
 *   <li>{@link #backward}: {@code attn_bwd_dot} (D = rowsum(dO o), a warp per row, into a
 *       temporary of heads * tq floats), then {@code attn_bwd_dq_dN} (a block per 4R query rows, looping
 *       over key tiles: gq) and {@code attn_bwd_dkdv_dN} (a block per 4R keys, looping over query tiles:
 *       gk and gv, no atomics). Both recompute the probabilities from lse.</li>
 * </ul>
 * Dynamic shared memory is sized from dh (at most 82 KiB, dK/dV at DC = 8; above 48 KiB the GPU executor opts
 * the kernel in, and every size stays under sm_86's 99 KiB). Results are deterministic: each output
 * element is one fixed chain of FMAs, independent of scheduling.
 *
 */
final class CudaAttention extends AttentionOps<CudaStorage> {
    private static final int WARPS = 4;
    private static final int THREADS = 32 * WARPS;
    /** Rows of a staged tile (one per lane). */
    private static final int TILE = 32;
    private static final int MAX_GRID_Y = 65535;
    /** sm_86's (and sm_89's) dynamic shared memory limit per block, the smallest of the GPUs the PTX targets. */
    private static final int MAX_SHARED_BYTES = 99 * 1024;

    private final CudaRuntime rt;
    private final int maxGridY;

    CudaAttention(CudaBackend backend, CudaRuntime rt) {
        this(backend, rt, MAX_GRID_Y);
    }

    /** With the grid's y extent capped lower, so that tests reach the kernels' loop over heads with few heads. */
    CudaAttention(CudaBackend backend, CudaRuntime rt, int maxGridY) {
        super(backend, CudaStorage.class);
        this.rt = rt;
        if (maxGridY < 1 || maxGridY > MAX_GRID_Y) throw new IllegalArgumentException("attention: grid y limit " + maxGridY);
        this.maxGridY = maxGridY;
    }

    @Override
    protected void doForward(AttentionShape s, CudaStorage q, CudaStorage k, CudaStorage v, CudaStorage o, CudaStorage lse) {
        String op = "attention";
        Variant w = Variant.of(s);
        int rows = WARPS * w.rows;
        int floats = rows * w.width() + TILE * (w.width() + 1) + TILE * w.width() + rows * TILE;
        rt.device().launch("attn_fwd_d" + w.dc, grid(s.tq(), rows, s.heads()), Dim3.of(THREADS), bytes(op, floats),
                KernelArgs.of().ptr(q.buffer()).ptr(k.buffer()).ptr(v.buffer()).ptr(o.buffer()).ptr(lse.buffer())
                        .i32(s.heads()).i32(s.tq()).i32(s.tk()).i32(s.dh()).f32(s.scale()).i32(s.packedHeads()));
    }

    @Override
    protected void doBackward(AttentionShape s, CudaStorage q, CudaStorage k, CudaStorage v, CudaStorage o, CudaStorage lse,
                              CudaStorage go, CudaStorage gq, CudaStorage gk, CudaStorage gv) {
        String op = "attention_backward";
        Variant w = Variant.of(s);
        int rows = WARPS * w.rows;
        int dqFloats = 2 * rows * w.width() + 2 * TILE * (w.width() + 1) + rows * TILE;
        int dkdvFloats = 2 * rows * w.width() + 2 * TILE * (w.width() + 1) + 2 * rows * TILE;
        int dqBytes = bytes(op, dqFloats), dkdvBytes = bytes(op, dkdvFloats);
        int n = s.heads() * s.tq(); // the size of lse, which checkLse found to be an int
        CudaStorage d = rt.allocate(DType.F32, n);
        try {
            rt.launch1d("attn_bwd_dot", 32L * n,
                    KernelArgs.of().ptr(o.buffer()).ptr(go.buffer()).ptr(d.buffer()).i32(n).i32(s.dh()).i32(s.tq())
                            .i32(s.packedHeads()));
            rt.device().launch("attn_bwd_dq_d" + w.dc, grid(s.tq(), rows, s.heads()), Dim3.of(THREADS), dqBytes,
                    KernelArgs.of().ptr(q.buffer()).ptr(k.buffer()).ptr(v.buffer()).ptr(go.buffer()).ptr(lse.buffer())
                            .ptr(d.buffer()).ptr(gq.buffer())
                            .i32(s.heads()).i32(s.tq()).i32(s.tk()).i32(s.dh()).f32(s.scale()).i32(s.packedHeads()));
            rt.device().launch("attn_bwd_dkdv_d" + w.dc, grid(s.tk(), rows, s.heads()), Dim3.of(THREADS), dkdvBytes,
                    KernelArgs.of().ptr(q.buffer()).ptr(k.buffer()).ptr(v.buffer()).ptr(go.buffer()).ptr(lse.buffer())
                            .ptr(d.buffer()).ptr(gk.buffer()).ptr(gv.buffer())
                            .i32(s.heads()).i32(s.tq()).i32(s.tk()).i32(s.dh()).f32(s.scale()).i32(s.packedHeads()));
        } finally {
            // launches run in order on the device, so the block may go back to the pool at once
            rt.release(d);
        }
    }

    /** The compiled kernel for a head width: DC = width / 32 columns per lane, R rows per warp. */
    private record Variant(int dc, int rows) {
        int width() {
            return 32 * dc;
        }

        static Variant of(AttentionShape s) {
            int dh = s.dh();
            if (dh <= 32) return new Variant(1, 8);
            if (dh <= 64) return new Variant(2, 8);
            if (dh <= 96) return new Variant(3, 4);
            if (dh <= 128) return new Variant(4, 4);
            return new Variant(8, 2); // dh <= AttentionOps.MAX_DH, checked before
        }
    }

    private Dim3 grid(int n, int rowsPerBlock, int heads) {
        return new Dim3((n + rowsPerBlock - 1) / rowsPerBlock, Math.min(heads, maxGridY), 1);
    }

    private static int bytes(String op, int floats) {
        int bytes = 4 * floats;
        if (bytes > MAX_SHARED_BYTES) { // cannot happen for the variants above; guards a future edit
            throw new IllegalStateException(op + ": " + bytes + " bytes of shared memory exceed " + MAX_SHARED_BYTES);
        }
        return bytes;
    }
}
