package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import rrcm.testing.Close;
import rrcm.testing.OpCheck;
import rrcm.testing.OpCheck.In;

/** The fused attention primitive against libtorch's matmul, softmax, matmul. */
class AttentionOpTest {
    static final Close ATTN = new Close(1e-4, 2e-5, "scores are dh-term dot products, the softmax is computed "
            + "online in blocks, and outputs are tk-term sums: three summation orders differ from libtorch's");

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new int[] {1, 1, 1, 4}, 1),
                Arguments.of(new int[] {2, 3, 5, 8}, 5),
                Arguments.of(new int[] {2, 4, 66, 32}, 66),
                Arguments.of(new int[] {1, 2, 17, 16}, 40),
                Arguments.of(new int[] {3, 66, 64}, 66));
    }

    private static NDArray torchAttention(NDArray q, NDArray k, NDArray v, float scale) {
        int r = q.getShape().dimension();
        return q.matMul(k.swapAxes(r - 1, r - 2)).mul(scale).softmax(-1).matMul(v);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matchesComposedAttention(int[] qShape, int tk) {
        int[] kShape = qShape.clone();
        kShape[kShape.length - 2] = tk;
        float scale = (float) (1 / Math.sqrt(qShape[qShape.length - 1]));
        OpCheck.compare("attention", ATTN, ATTN, t -> FusedAttention.sdpa(t.get(0), t.get(1), t.get(2), Float.NaN),
                a -> torchAttention(a.get(0), a.get(1), a.get(2), scale), In.of(51, qShape), In.of(52, kShape),
                In.of(53, kShape));
    }

    @Test
    void mismatchedHeadSizesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> FusedAttention.sdpa(Tensor.zeros(2, 5, 8), Tensor.zeros(2, 5, 4), Tensor.zeros(2, 5, 4), Float.NaN));
    }

    /**
     * Self-attention read straight from the packed qkv projection is sdpa on its split heads, bit for bit
     * (the same chains of FMAs, only the rows' addresses differ), forward and backward; and the packed
     * op is checked against libtorch's split, matmul, softmax, matmul, join.
     */
    @Test
    void selfAttentionFromThePackedProjectionIsSdpaOfItsSplitHeads() {
        int b = 3, t = 19, heads = 4, dh = 24, d = heads * dh;
        float[] x = rrcm.testing.Data.normal(41, b * t * 3 * d), up = rrcm.testing.Data.normal(42, b * t * d);
        Tensor packed = Tensor.of(x, b, t, 3 * d).requiresGrad(true);
        Tensor o = FusedAttention.selfAttention(packed, heads);
        o.backward(Tensor.of(up, b, t, d));
        Tensor split = Tensor.of(x, b, t, 3 * d).requiresGrad(true);
        Tensor h = split.reshape(b, t, 3, heads, dh).permute(2, 0, 3, 1, 4);
        Tensor ref = FusedAttention.sdpa(h.narrow(0, 0, 1).reshape(b, heads, t, dh), h.narrow(0, 1, 1).reshape(b, heads, t, dh),
                h.narrow(0, 2, 1).reshape(b, heads, t, dh), Float.NaN).permute(0, 2, 1, 3).reshape(b, t, d);
        ref.backward(Tensor.of(up, b, t, d));
        org.junit.jupiter.api.Assertions.assertArrayEquals(ref.toFloatArray(), o.toFloatArray());
        org.junit.jupiter.api.Assertions.assertArrayEquals(split.grad().toFloatArray(), packed.grad().toFloatArray());

        OpCheck.compare("packed self-attention", ATTN, ATTN, in -> FusedAttention.selfAttention(in.get(0), 2),
                a -> {
                    NDArray qkv = a.get(0).reshape(2, 7, 3, 2, 8).transpose(2, 0, 3, 1, 4);
                    NDArray q = qkv.get("0"), k = qkv.get("1"), v = qkv.get("2");
                    return torchAttention(q, k, v, (float) (1 / Math.sqrt(8))).transpose(0, 2, 1, 3).reshape(2, 7, 16);
                }, In.of(43, 2, 7, 48));
        assertThrows(IllegalArgumentException.class, () -> FusedAttention.selfAttention(Tensor.of(x, b, t, 3 * d), 5));
    }
}
