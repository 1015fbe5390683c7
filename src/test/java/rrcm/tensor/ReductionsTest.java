package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import rrcm.testing.Close;
import rrcm.testing.OpCheck;
import rrcm.testing.OpCheck.In;

/** sum, mean, max and logsumexp over axes, against libtorch. */
class ReductionsTest {
    static final Close SUMS = new Close(1e-5, 2e-5, "float32 sums of up to a few thousand terms in a different "
            + "order (vector lanes, then lanes combined)");
    static final Close EXACT = new Close(0, 0, "max and broadcasting copy values without arithmetic");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new int[] {2, 3, 4}, new int[] {0}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {1}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {-1}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {0, 2}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {0, 1, 2}),
                Arguments.of(new int[] {5, 1, 7}, new int[] {1}),
                Arguments.of(new int[] {17, 33, 2}, new int[] {0, 1}),
                Arguments.of(new int[] {64, 300}, new int[] {0}),
                Arguments.of(new int[] {3, 4000}, new int[] {1}),
                Arguments.of(new int[] {40000}, new int[] {0}),
                Arguments.of(new int[] {4, 66, 128}, new int[] {2}),
                Arguments.of(new int[] {4, 66, 128}, new int[] {0, 1}));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sum(int[] shape, int[] axes) {
        for (boolean keep : new boolean[] {true, false}) {
            OpCheck.compare("sum", SUMS, EXACT, t -> t.get(0).sum(axes, keep), x -> x.get(0).sum(axes, keep),
                    In.of(11, shape));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void mean(int[] shape, int[] axes) {
        for (boolean keep : new boolean[] {true, false}) {
            OpCheck.compare("mean", SUMS, new Close(1e-6, 1e-7, "the gradient is g / count, one rounding"),
                    t -> t.get(0).mean(axes, keep), x -> torchMean(x.get(0), axes, keep), In.of(12, shape));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void max(int[] shape, int[] axes) {
        for (boolean keep : new boolean[] {true, false}) {
            OpCheck.compare("max", EXACT, EXACT, t -> t.get(0).max(axes, keep), x -> torchMax(x.get(0), axes, keep),
                    In.of(13, shape));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void logSumExp(int[] shape, int[] axes) {
        for (boolean keep : new boolean[] {true, false}) {
            OpCheck.compare("logsumexp", new Close(2e-6, 2e-6, "exp and log to a few ulp, then a sum"),
                    new Close(1e-5, 1e-6, "softmax of the input times the gradient"),
                    t -> t.get(0).logSumExp(axes, keep), x -> torchLogSumExp(x.get(0), axes, keep), In.of(14, shape));
        }
    }

    /** DJL's mean takes one axis: libtorch's sum divided by the count. */
    private static ai.djl.ndarray.NDArray torchMean(ai.djl.ndarray.NDArray a, int[] axes, boolean keep) {
        long count = 1;
        for (int ax : axes) count *= a.getShape().get(ax < 0 ? ax + a.getShape().dimension() : ax);
        return a.sum(axes, keep).div((float) count);
    }

    /** DJL's max takes one axis: several are reduced one after another (the same without ties). */
    private static ai.djl.ndarray.NDArray torchMax(ai.djl.ndarray.NDArray a, int[] axes, boolean keep) {
        int rank = a.getShape().dimension();
        int[] pos = java.util.Arrays.stream(axes).map(ax -> ax < 0 ? ax + rank : ax).sorted().toArray();
        for (int i = pos.length - 1; i >= 0; i--) a = a.max(new int[] {pos[i]}, true);
        return keep ? a : a.squeeze(pos);
    }

    /** DJL has no logsumexp: the oracle is libtorch's max, exp, sum and log composed. */
    private static ai.djl.ndarray.NDArray torchLogSumExp(ai.djl.ndarray.NDArray a, int[] axes, boolean keep) {
        int rank = a.getShape().dimension();
        int[] pos = java.util.Arrays.stream(axes).map(ax -> ax < 0 ? ax + rank : ax).toArray();
        ai.djl.ndarray.NDArray m = torchMax(a, pos, true).stopGradient();
        ai.djl.ndarray.NDArray r = a.sub(m).exp().sum(pos, true).log().add(m);
        return keep ? r : r.squeeze(pos);
    }

    @Test
    void maxSharesTheGradientAmongTies() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 2}).requiresGrad(true);
        Tensor m = x.max();
        assertEquals(3f, m.item());
        m.backward();
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0}, x.grad().toFloatArray());
    }

    @Test
    void logSumExpOfMinusInfinityRowsIsMinusInfinity() {
        float ninf = Float.NEGATIVE_INFINITY;
        Tensor x = Tensor.of(new float[] {ninf, ninf, 0, 1}, 2, 2);
        float[] out = x.logSumExp(1, false).toFloatArray();
        assertEquals(ninf, out[0]);
        assertEquals(Math.log(Math.exp(0) + Math.exp(1)), out[1], 1e-6);
    }
}
