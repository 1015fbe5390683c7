package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import rrcm.testing.Close;
import rrcm.testing.OpCheck;
import rrcm.testing.OpCheck.In;

/** matmul: 2-D, batched, broadcast batches and transposed operands, against libtorch. */
class LinalgTest {
    /** k-term dot products of unit normals: the sum's rounding error grows with sqrt(k) * 2^-24 * sqrt(k). */
    static final Close DOTS = new Close(1e-5, 5e-5, "float32 dot products of up to a few hundred unit-normal "
            + "terms, summed in another order (blocked, vectorized) than libtorch's");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new int[] {5, 7}, new int[] {7, 3}, false, false),
                Arguments.of(new int[] {7, 5}, new int[] {7, 3}, true, false),
                Arguments.of(new int[] {5, 7}, new int[] {3, 7}, false, true),
                Arguments.of(new int[] {7, 5}, new int[] {3, 7}, true, true),
                Arguments.of(new int[] {1, 1}, new int[] {1, 1}, false, false),
                Arguments.of(new int[] {4, 5, 7}, new int[] {4, 7, 3}, false, false),
                Arguments.of(new int[] {4, 7, 5}, new int[] {4, 3, 7}, true, true),
                Arguments.of(new int[] {4, 5, 7}, new int[] {7, 3}, false, false),
                Arguments.of(new int[] {4, 5, 7}, new int[] {3, 7}, false, true),
                Arguments.of(new int[] {4, 7, 5}, new int[] {7, 3}, true, false),
                Arguments.of(new int[] {5, 7}, new int[] {4, 7, 3}, false, false),
                Arguments.of(new int[] {2, 1, 5, 7}, new int[] {1, 3, 7, 4}, false, false),
                Arguments.of(new int[] {2, 3, 66, 16}, new int[] {2, 3, 66, 16}, false, true),
                Arguments.of(new int[] {132, 128}, new int[] {384, 128}, false, true),
                Arguments.of(new int[] {33, 129}, new int[] {129, 65}, false, false));
    }

    private static NDArray t(NDArray x, boolean trans) {
        int r = x.getShape().dimension();
        return trans ? x.swapAxes(r - 1, r - 2) : x;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matmul(int[] sa, int[] sb, boolean ta, boolean tb) {
        OpCheck.compare("matmul", DOTS, DOTS, t -> t.get(0).matmul(t.get(1), ta, tb),
                x -> t(x.get(0), ta).matMul(t(x.get(1), tb)), In.of(21, sa), In.of(22, sb));
    }

    @Test
    void mismatchedInnerSizesNameBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 6)));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("(3, 4)")
                && e.getMessage().contains("(5, 6)"), e.getMessage());
    }
}
