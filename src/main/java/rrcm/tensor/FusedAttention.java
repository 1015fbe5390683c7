package rrcm.tensor;

import java.util.Arrays;
import rrcm.backend.AttentionShape;
import rrcm.backend.Backend;
import rrcm.backend.DType;

/**
 * Scaled-dot-product attention as one primitive: softmax(q k^T * scale) v over (..., T, dh) without
 * keeping the T x T probabilities; the backward recomputes them from the saved log-sum-exp.
 */
public final class FusedAttention {
    private FusedAttention() {}

    /** q (..., tq, dh), k and v (..., tk, dh) with the same leading axes; scale 1/sqrt(dh) when NaN. */
    public static Tensor sdpa(Tensor q, Tensor k, Tensor v, float scale) {
        Ops.floatsOnOneBackend("attention", q, k, v);
        int[] sq = q.shape(), sk = k.shape(), sv = v.shape();
        int r = sq.length;
        boolean ok = r >= 2 && sk.length == r && sv.length == r && Arrays.equals(sk, sv)
                && Arrays.equals(Arrays.copyOf(sq, r - 2), Arrays.copyOf(sk, r - 2)) && sq[r - 1] == sk[r - 1];
        if (!ok) {
            throw new IllegalArgumentException("attention: expected q (..., tq, dh) and k, v (..., tk, dh) with the same "
                    + "leading axes and dh, got q " + Shape.str(sq) + ", k " + Shape.str(sk) + ", v " + Shape.str(sv));
        }
        int dh = sq[r - 1], tq = sq[r - 2], tk = sk[r - 2];
        int heads = q.numel() / (tq * dh);
        float sc = Float.isNaN(scale) ? (float) (1 / Math.sqrt(dh)) : scale;
        AttentionShape shape = new AttentionShape(heads, tq, tk, dh, sc);
        Backend be = q.backend();
        Tensor o = Tensor.emptyLike(q);
        Tensor lse = Tensor.empty(be, DType.F32, new int[] {heads, tq});
        be.attention().forward(shape, q.storage(), k.storage(), v.storage(), o.storage(), lse.storage());
        return Autograd.record("attention", o, g -> {
            Tensor gq = Tensor.emptyLike(q), gk = Tensor.emptyLike(k), gv = Tensor.emptyLike(v);
            be.attention().backward(shape, q.storage(), k.storage(), v.storage(), o.storage(), lse.storage(), g.storage(),
                    gq.storage(), gk.storage(), gv.storage());
            return new Tensor[] {gq, gk, gv};
        }, q, k, v);
    }

    /**
     * A ViT's multi-head self-attention straight from its qkv projection: qkv (B, T, 3 D) holding q, k, v of
     * each token as (3, heads, D / heads), softmax scale 1/sqrt(D / heads); returns (B, T, D), the heads of
     * each token side by side, as the output projection reads them. The same as splitting qkv into (B, H, T,
     * dh) arrays for {@link #sdpa} and joining the output back, without those copies (AttentionShape's packed
     * layout); the gradient comes back as one (B, T, 3 D) tensor.
     */
    public static Tensor selfAttention(Tensor qkv, int heads) {
        Ops.floatsOnOneBackend("attention", qkv);
        int[] s = qkv.shape();
        if (s.length != 3 || s[2] % (3 * heads) != 0) {
            throw new IllegalArgumentException("attention: expected qkv (B, T, 3 D) with D divisible by " + heads
                    + " heads, got " + Shape.str(s));
        }
        int b = s[0], t = s[1], d = s[2] / 3, dh = d / heads;
        AttentionShape shape = AttentionShape.packed(b, heads, t, dh, (float) (1 / Math.sqrt(dh)));
        Backend be = qkv.backend();
        Tensor o = Tensor.empty(be, DType.F32, new int[] {b, t, d});
        Tensor lse = Tensor.empty(be, DType.F32, new int[] {b * heads, t});
        be.attention().forward(shape, qkv.storage(), qkv.storage(), qkv.storage(), o.storage(), lse.storage());
        return Autograd.record("attention", o, g -> {
            Tensor gqkv = Tensor.emptyLike(qkv);
            be.attention().backward(shape, qkv.storage(), qkv.storage(), qkv.storage(), o.storage(), lse.storage(),
                    g.storage(), gqkv.storage(), gqkv.storage(), gqkv.storage());
            return new Tensor[] {gqkv};
        }, qkv);
    }
}
