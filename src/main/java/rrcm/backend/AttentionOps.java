package rrcm.backend;

/**
 * The family {@code attention}: fused scaled-dot-product attention, o = softmax(q k^T * scale) v for each
 * head, and its backward, with the (tq, tk) probabilities never stored (the backward recomputes them
 * from the saved log-sum-exp). Layouts are {@link AttentionShape}'s: separate (heads, t, dh) arrays, or
 * packed, where q, k and v (and gq, gk, gv) are one storage passed three times. Outputs never alias inputs
 * or each other. Heads are at most {@link #MAX_DH} wide, the widest the CUDA kernels are compiled for.
 */
public abstract class AttentionOps<S extends Storage> extends Family<S> {
    /** The widest head (dh) any backend takes: the CUDA kernels hold a row in 8 columns per lane. */
    public static final int MAX_DH = 256;

    protected AttentionOps(Backend backend, Class<S> type) {
        super(backend, type);
    }

    /** o = softmax(q k^T * scale) v per head; lse (heads, tq) is the log-sum-exp of each scaled row. */
    public final void forward(AttentionShape s, Storage q, Storage k, Storage v, Storage o, Storage lse) {
        String op = "attention";
        shape(op, s);
        S[] qkv = inputs(op, s, q, k, v, "q", "k", "v");
        S os = f32(op, "o", o, (long) s.heads() * s.tq() * s.dh());
        S ls = f32(op, "lse", lse, (long) s.heads() * s.tq());
        distinct(op, new Storage[] {o, lse}, new String[] {"o", "lse"}, new Storage[] {q, k, v}, new String[] {"q", "k", "v"});
        doForward(s, qkv[0], qkv[1], qkv[2], os, ls);
    }

    /** Recomputes the probabilities from lse; writes gq, gk and gv (packed: one storage passed three times). */
    public final void backward(AttentionShape s, Storage q, Storage k, Storage v, Storage o, Storage lse, Storage go,
                               Storage gq, Storage gk, Storage gv) {
        String op = "attention_backward";
        shape(op, s);
        S[] qkv = inputs(op, s, q, k, v, "q", "k", "v");
        S os = f32(op, "o", o, (long) s.heads() * s.tq() * s.dh());
        S ls = f32(op, "lse", lse, (long) s.heads() * s.tq());
        S gos = f32(op, "go", go, (long) s.heads() * s.tq() * s.dh());
        S[] grads = inputs(op, s, gq, gk, gv, "gq", "gk", "gv");
        // packed: gq, gk and gv are one storage, so one output against the inputs
        Storage[] outs = s.packed() ? new Storage[] {gq} : new Storage[] {gq, gk, gv};
        String[] outNames = s.packed() ? new String[] {"gq (= gk = gv)"} : new String[] {"gq", "gk", "gv"};
        distinct(op, outs, outNames, new Storage[] {q, k, v, o, lse, go}, new String[] {"q", "k", "v", "o", "lse", "go"});
        doBackward(s, qkv[0], qkv[1], qkv[2], os, ls, gos, grads[0], grads[1], grads[2]);
    }

    private static void shape(String op, AttentionShape s) {
        java.util.Objects.requireNonNull(s, op + ": the shape is null");
        require(s.dh() <= MAX_DH, op, "dh = " + s.dh() + " exceeds the widest head, " + MAX_DH);
    }

    /** q, k, v (or their gradients): separate arrays of the shape's sizes, or, packed, one storage three times. */
    private S[] inputs(String op, AttentionShape s, Storage q, Storage k, Storage v, String qn, String kn, String vn) {
        S[] out = newArray(3);
        if (!s.packed()) {
            out[0] = f32(op, qn, q, (long) s.heads() * s.tq() * s.dh());
            out[1] = f32(op, kn, k, (long) s.heads() * s.tk() * s.dh());
            out[2] = f32(op, vn, v, (long) s.heads() * s.tk() * s.dh());
            return out;
        }
        require(q == k && q == v, op, "the packed layout takes " + qn + ", " + kn + " and " + vn
                + " as one storage (the (B, T, 3, H, dh) projection), got three");
        out[0] = out[1] = out[2] = f32(op, qn, q, 3L * s.heads() * s.tq() * s.dh());
        return out;
    }

    /** No output may be an input or another output. */
    private static void distinct(String op, Storage[] outs, String[] outNames, Storage[] ins, String[] inNames) {
        for (int i = 0; i < outs.length; i++) {
            for (int j = 0; j < ins.length; j++) {
                require(outs[i] != ins[j], op, "output " + outNames[i] + " is the same storage as input " + inNames[j]
                        + " (attention outputs may not alias its inputs)");
            }
            for (int j = i + 1; j < outs.length; j++) {
                require(outs[i] != outs[j], op, "outputs " + outNames[i] + " and " + outNames[j] + " are the same storage");
            }
        }
    }

    protected abstract void doForward(AttentionShape s, S q, S k, S v, S o, S lse);

    protected abstract void doBackward(AttentionShape s, S q, S k, S v, S o, S lse, S go, S gq, S gk, S gv);
}
