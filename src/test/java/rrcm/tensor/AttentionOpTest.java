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
}
