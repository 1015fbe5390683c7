package rrcm.backend.cuda;

import java.util.Objects;
import rrcm.backend.AttentionShape;
import rrcm.backend.DType;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * Fused scaled-dot-product attention on a {@link CudaOps} device: {@link rrcm.backend.Backend#attention}
 * and {@link rrcm.backend.Backend#attentionBackward} with {@link CudaStorage} in place of Storage, the
 * CPU backend's semantics (rrcm.backend.cpu.CpuAttention), FlashAttention-2 style: the (tq, tk)
 * matrix never reaches device memory. kernels/attention.cu gives each kernel's contract.
 *
 * <p>Launches, all with blocks of 128 threads (4 warps) and grid y = min(heads, 65535) (the kernels loop
 * over the heads beyond it), each kernel compiled for a column count DC = ceil(dh / 32) of 1, 2, 3, 4 or 8
 * (dh up to 256) with R = 8, 8, 4, 4, 2 rows per warp:
 * <ul>
 *   <li>{@link #attention}: one launch of {@code attn_fwd_dN}, a block per 4R query rows of a head, the
 *       key/value tiles of 32 rows staged in shared memory, online softmax in registers. Writes o and lse.</li>
 *   <li>{@link #attentionBackward}: {@code attn_bwd_dot} (D = rowsum(dO o), a warp per row, into a
 *       temporary of heads * tq floats), then {@code attn_bwd_dq_dN} (a block per 4R query rows, looping
 *       over key tiles: gq) and {@code attn_bwd_dkdv_dN} (a block per 4R keys, looping over query tiles:
 *       gk and gv, no atomics). Both recompute the probabilities from lse.</li>
 * </ul>
 * Dynamic shared memory is sized from dh (at most 82 KiB, dK/dV at DC = 8; above 48 KiB the GPU executor opts
 * the kernel in, and every size stays under sm_86's 99 KiB). Results are deterministic: each output
 * element is one fixed chain of FMAs, independent of scheduling.
 *
 * <p>Arguments are checked before any launch: float32 storages of this CudaOps with exactly the
 * shape's sizes, and no output aliasing an input or another output (Backend allows no aliasing here).
 */
public final class CudaAttention {
    private static final int WARPS = 4;
    private static final int THREADS = 32 * WARPS;
    /** Rows of a staged tile (one per lane). */
    private static final int TILE = 32;
    private static final int MAX_GRID_Y = 65535;
    /** The widest head the kernels are compiled for (DC = 8). */
    static final int MAX_DH = 256;
    /** sm_86's (and sm_89's) dynamic shared memory limit per block, the smallest of the GPUs the PTX targets. */
    private static final int MAX_SHARED_BYTES = 99 * 1024;

    private final CudaOps ops;
    private final int maxGridY;

    public CudaAttention(CudaOps ops) {
        this(ops, MAX_GRID_Y);
    }

    /** With the grid's y extent capped lower, so that tests reach the kernels' loop over heads with few heads. */
    CudaAttention(CudaOps ops, int maxGridY) {
        this.ops = Objects.requireNonNull(ops, "attention: ops is null");
        if (maxGridY < 1 || maxGridY > MAX_GRID_Y) throw new IllegalArgumentException("attention: grid y limit " + maxGridY);
        this.maxGridY = maxGridY;
    }

    /** o = softmax(q k^T * scale) v for each head; lse (heads, tq) is the log-sum-exp of each scaled row. */
    public void attention(AttentionShape s, CudaStorage q, CudaStorage k, CudaStorage v, CudaStorage o, CudaStorage lse) {
        String op = "attention";
        Variant w = Variant.of(op, s);
        checkInputs(op, s, q, k, v, "q", "k", "v");
        checkQ(op, s, o, "o");
        checkLse(op, s, lse, "lse");
        distinct(op, new CudaStorage[] {o, lse}, new String[] {"o", "lse"}, new CudaStorage[] {q, k, v},
                new String[] {"q", "k", "v"});
        int rows = WARPS * w.rows;
        int floats = rows * w.width() + TILE * (w.width() + 1) + TILE * w.width() + rows * TILE;
        ops.device().launch("attn_fwd_d" + w.dc, grid(s.tq(), rows, s.heads()), Dim3.of(THREADS), bytes(op, floats),
                KernelArgs.of().ptr(q.buffer()).ptr(k.buffer()).ptr(v.buffer()).ptr(o.buffer()).ptr(lse.buffer())
                        .i32(s.heads()).i32(s.tq()).i32(s.tk()).i32(s.dh()).f32(s.scale()).i32(s.packedHeads()));
    }

    /** Recomputes the probabilities from lse; writes gq, gk, gv. */
    public void attentionBackward(AttentionShape s, CudaStorage q, CudaStorage k, CudaStorage v, CudaStorage o,
                                  CudaStorage lse, CudaStorage go, CudaStorage gq, CudaStorage gk, CudaStorage gv) {
        String op = "attention_backward";
        Variant w = Variant.of(op, s);
        checkInputs(op, s, q, k, v, "q", "k", "v");
        checkQ(op, s, o, "o");
        checkLse(op, s, lse, "lse");
        checkQ(op, s, go, "go");
        checkInputs(op, s, gq, gk, gv, "gq", "gk", "gv");
        // packed: gq, gk and gv are one storage, so one output against the inputs
        CudaStorage[] outs = s.packed() ? new CudaStorage[] {gq} : new CudaStorage[] {gq, gk, gv};
        String[] outNames = s.packed() ? new String[] {"gq (= gk = gv)"} : new String[] {"gq", "gk", "gv"};
        distinct(op, outs, outNames, new CudaStorage[] {q, k, v, o, lse, go}, new String[] {"q", "k", "v", "o", "lse", "go"});
        int rows = WARPS * w.rows;
        int dqFloats = 2 * rows * w.width() + 2 * TILE * (w.width() + 1) + rows * TILE;
        int dkdvFloats = 2 * rows * w.width() + 2 * TILE * (w.width() + 1) + 2 * rows * TILE;
        int dqBytes = bytes(op, dqFloats), dkdvBytes = bytes(op, dkdvFloats);
        int n = s.heads() * s.tq(); // the size of lse, which checkLse found to be an int
        CudaStorage d = ops.allocate(DType.F32, n);
        try {
            ops.launch1d("attn_bwd_dot", 32L * n,
                    KernelArgs.of().ptr(o.buffer()).ptr(go.buffer()).ptr(d.buffer()).i32(n).i32(s.dh()).i32(s.tq())
                            .i32(s.packedHeads()));
            ops.device().launch("attn_bwd_dq_d" + w.dc, grid(s.tq(), rows, s.heads()), Dim3.of(THREADS), dqBytes,
                    KernelArgs.of().ptr(q.buffer()).ptr(k.buffer()).ptr(v.buffer()).ptr(go.buffer()).ptr(lse.buffer())
                            .ptr(d.buffer()).ptr(gq.buffer())
                            .i32(s.heads()).i32(s.tq()).i32(s.tk()).i32(s.dh()).f32(s.scale()).i32(s.packedHeads()));
            ops.device().launch("attn_bwd_dkdv_d" + w.dc, grid(s.tk(), rows, s.heads()), Dim3.of(THREADS), dkdvBytes,
                    KernelArgs.of().ptr(q.buffer()).ptr(k.buffer()).ptr(v.buffer()).ptr(go.buffer()).ptr(lse.buffer())
                            .ptr(d.buffer()).ptr(gk.buffer()).ptr(gv.buffer())
                            .i32(s.heads()).i32(s.tq()).i32(s.tk()).i32(s.dh()).f32(s.scale()).i32(s.packedHeads()));
        } finally {
            // launches run in order on the device, so the block may go back to the pool at once
            ops.release(d);
        }
    }

    /** The compiled kernel for a head width: DC = width / 32 columns per lane, R rows per warp. */
    private record Variant(int dc, int rows) {
        int width() {
            return 32 * dc;
        }

        static Variant of(String op, AttentionShape s) {
            Objects.requireNonNull(s, op + ": shape is null");
            int dh = s.dh();
            if (dh <= 32) return new Variant(1, 8);
            if (dh <= 64) return new Variant(2, 8);
            if (dh <= 96) return new Variant(3, 4);
            if (dh <= 128) return new Variant(4, 4);
            if (dh <= MAX_DH) return new Variant(8, 2);
            throw new IllegalArgumentException(op + ": dh = " + dh + " exceeds the CUDA kernels' widest head, " + MAX_DH);
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

    /**
     * q, k, v (or their gradients): separate arrays of the shape's sizes, or, packed, one storage passed three
     * times holding the (B, T, 3, H, dh) projection.
     */
    private void checkInputs(String op, AttentionShape s, CudaStorage q, CudaStorage k, CudaStorage v, String qn, String kn,
                             String vn) {
        if (!s.packed()) {
            checkQ(op, s, q, qn);
            checkK(op, s, k, kn);
            checkK(op, s, v, vn);
            return;
        }
        if (q != k || q != v) {
            throw new IllegalArgumentException(op + ": the packed layout takes " + qn + ", " + kn + " and " + vn
                    + " as one storage (the (B, T, 3, H, dh) projection), got three");
        }
        check(op, q, qn, 3L * s.heads() * s.tq() * s.dh(), "3 * heads * T * dh");
    }

    private void checkQ(String op, AttentionShape s, CudaStorage x, String name) {
        check(op, x, name, (long) s.heads() * s.tq() * s.dh(), "heads * tq * dh");
    }

    private void checkK(String op, AttentionShape s, CudaStorage x, String name) {
        check(op, x, name, (long) s.heads() * s.tk() * s.dh(), "heads * tk * dh");
    }

    private void checkLse(String op, AttentionShape s, CudaStorage x, String name) {
        check(op, x, name, (long) s.heads() * s.tq(), "heads * tq");
    }

    private void check(String op, CudaStorage x, String name, long want, String formula) {
        if (x == null) throw new NullPointerException(op + ": " + name + " is null");
        ops.f32(x, op + " (" + name + ")");
        if (x.numel() != want) {
            throw new IllegalArgumentException(op + ": " + name + " has " + x.numel() + " elements where " + formula
                    + " = " + want + " are needed");
        }
    }

    /** No output may be an input or another output. */
    private static void distinct(String op, CudaStorage[] outs, String[] outNames, CudaStorage[] ins, String[] inNames) {
        for (int i = 0; i < outs.length; i++) {
            for (int j = 0; j < ins.length; j++) {
                if (outs[i] == ins[j]) {
                    throw new IllegalArgumentException(op + ": output " + outNames[i] + " is the same storage as input "
                            + inNames[j] + " (attention outputs may not alias its inputs)");
                }
            }
            for (int j = i + 1; j < outs.length; j++) {
                if (outs[i] == outs[j]) {
                    throw new IllegalArgumentException(op + ": outputs " + outNames[i] + " and " + outNames[j]
                            + " are the same storage");
                }
            }
        }
    }
}
