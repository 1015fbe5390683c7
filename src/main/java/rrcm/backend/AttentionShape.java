package rrcm.backend;

/**
 * Shape of a scaled-dot-product attention: {@code heads} independent problems (B*H), each with
 * queries (tq, dh), keys and values (tk, dh), output (tq, dh), all contiguous, and the softmax scale.
 * The log-sum-exp of each query row (heads, tq) is what the backward needs besides q, k, v, o.
 */
public record AttentionShape(int heads, int tq, int tk, int dh, float scale) {
    public AttentionShape {
        if (heads < 1 || tq < 1 || tk < 1 || dh < 1) {
            throw new IllegalArgumentException("attention: sizes must be positive, got heads=" + heads
                    + " tq=" + tq + " tk=" + tk + " dh=" + dh);
        }
    }
}
