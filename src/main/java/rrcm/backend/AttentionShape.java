package rrcm.backend;

/**
 * Shape of a scaled-dot-product attention: {@code heads} independent problems (B*H), each with
 * queries (tq, dh), keys and values (tk, dh), output (tq, dh), and the softmax scale. The log-sum-exp of
 * each query row (heads, tq) is what the backward needs besides q, k, v, o.
 *
 * <p>Two layouts. Separate (packedHeads 0): q, k, v and o are contiguous (heads, t, dh) arrays. Packed
 * (packedHeads H, a ViT's self-attention with tq = tk = T): q, k and v are one array, the qkv projection's
 * output (B, T, 3, H, dh), passed as all three, and o is (B, T, H, dh), what the output projection reads;
 * head number b H + h is head h of image b. The gradients gq, gk, gv have the layout of q, k, v (packed:
 * one (B, T, 3, H, dh) array, passed as all three). The packed layout spares the two transposing copies
 * (B, T, 3, H, dh) to (3, B, H, T, dh) and (B, H, T, dh) to (B, T, H, dh) around every attention, and their
 * twins in the backward: both backends read and write rows wherever they lie (kernels/attention.cu's
 * attn_row is {@link #qRow} and {@link #oRow} in CUDA C).
 */
public record AttentionShape(int heads, int tq, int tk, int dh, float scale, int packedHeads) {
    public AttentionShape {
        if (heads < 1 || tq < 1 || tk < 1 || dh < 1) {
            throw new IllegalArgumentException("attention: sizes must be positive, got heads=" + heads
                    + " tq=" + tq + " tk=" + tk + " dh=" + dh);
        }
        if (packedHeads < 0 || (packedHeads > 0 && (heads % packedHeads != 0 || tq != tk))) {
            throw new IllegalArgumentException("attention: a packed layout needs tq = tk and heads a multiple of its "
                    + packedHeads + " heads per image, got heads=" + heads + " tq=" + tq + " tk=" + tk);
        }
    }

    /** Separate, contiguous q, k, v and o. */
    public AttentionShape(int heads, int tq, int tk, int dh, float scale) {
        this(heads, tq, tk, dh, scale, 0);
    }

    /** The self-attention of images whose q, k, v are one (images, tokens, 3, heads, dh) array. */
    public static AttentionShape packed(int images, int heads, int tokens, int dh, float scale) {
        return new AttentionShape(images * heads, tokens, tokens, dh, scale, heads);
    }

    public boolean packed() {
        return packedHeads > 0;
    }

    /** Elements between a row and the next in q, k, v (and their gradients). */
    public int qkvRowStride() {
        return packed() ? 3 * packedHeads * dh : dh;
    }

    /** Elements between a row and the next in o (and its gradient). */
    public int outRowStride() {
        return packed() ? packedHeads * dh : dh;
    }

    /** Where row t of head h of q starts (of gq too). */
    public int qRow(int h, int t) {
        return packed() ? qkv(h, t, 0) : (h * tq + t) * dh;
    }

    /** Where row t of head h of k starts (of gk too). */
    public int kRow(int h, int t) {
        return packed() ? qkv(h, t, 1) : (h * tk + t) * dh;
    }

    /** Where row t of head h of v starts (of gv too). */
    public int vRow(int h, int t) {
        return packed() ? qkv(h, t, 2) : (h * tk + t) * dh;
    }

    /** Where row t of head h of o starts (of its gradient too). */
    public int oRow(int h, int t) {
        return packed() ? ((h / packedHeads * tq + t) * packedHeads + h % packedHeads) * dh : (h * tq + t) * dh;
    }

    private int qkv(int h, int t, int which) {
        return (((h / packedHeads * tq + t) * 3 + which) * packedHeads + h % packedHeads) * dh;
    }
}
