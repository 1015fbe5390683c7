package rrcm.tensor;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import rrcm.testing.Close;
import rrcm.testing.Data;
import rrcm.testing.OpCheck;
import rrcm.testing.OpCheck.In;

/** Elementwise ops, forward and backward, against libtorch. */
class PointwiseTest {
    /** One IEEE operation per element on both sides; the gradients of broadcast operands are sums. */
    static final Close EXACTISH = new Close(1e-6, 1e-6, "one float32 rounding per element");
    /** Gradients of broadcast operands sum up to 264 terms of size ~1, in another order than libtorch. */
    static final Close SUMMED = new Close(1e-5, 3e-5, "a float32 sum of n terms in a different order differs by "
            + "up to about n * 2^-24 times the partial sums (n = 264 here)");
    /** exp, log, tanh, erf: our Vector API / polynomial versions and libtorch's SLEEF differ by a few ulp. */
    static final Close TRANSCENDENTAL = new Close(2e-5, 1e-6, "transcendental functions differ by a few ulp "
            + "between implementations; GELU's erf is our own polynomial (relative error below 2e-7)");

    static Stream<Arguments> shapePairs() {
        return Stream.of(
                Arguments.of(new int[] {3, 4}, new int[] {3, 4}),
                Arguments.of(new int[] {2, 3, 17}, new int[] {17}),
                Arguments.of(new int[] {2, 3, 17}, new int[] {2, 1, 17}),
                Arguments.of(new int[] {5, 1}, new int[] {1, 6}),
                Arguments.of(new int[] {33}, new int[] {1}),
                Arguments.of(new int[] {}, new int[] {4, 5}),
                Arguments.of(new int[] {1, 1, 7}, new int[] {7, 1, 1}),
                Arguments.of(new int[] {4, 66, 128}, new int[] {128}),
                Arguments.of(new int[] {4, 66, 1}, new int[] {4, 66, 128}));
    }

    private static void binary(String name, int[] sa, int[] sb, Function<List<Tensor>, Tensor> ours,
                               Function<List<NDArray>, NDArray> torch) {
        OpCheck.compare(name + " " + java.util.Arrays.toString(sa) + " " + java.util.Arrays.toString(sb), EXACTISH,
                SUMMED, ours, torch, In.of(1, sa), In.of(2, sb));
    }

    @ParameterizedTest
    @MethodSource("shapePairs")
    void add(int[] sa, int[] sb) {
        binary("add", sa, sb, t -> t.get(0).add(t.get(1)), x -> x.get(0).add(x.get(1)));
    }

    @ParameterizedTest
    @MethodSource("shapePairs")
    void sub(int[] sa, int[] sb) {
        binary("sub", sa, sb, t -> t.get(0).sub(t.get(1)), x -> x.get(0).sub(x.get(1)));
    }

    @ParameterizedTest
    @MethodSource("shapePairs")
    void mul(int[] sa, int[] sb) {
        binary("mul", sa, sb, t -> t.get(0).mul(t.get(1)), x -> x.get(0).mul(x.get(1)));
    }

    @ParameterizedTest
    @MethodSource("shapePairs")
    void div(int[] sa, int[] sb) {
        // denominators kept away from zero so that the quotient is well conditioned
        float[] b = Data.uniform(3, Data.numel(sb), 0.5f, 2f);
        for (int i = 0; i < b.length; i += 2) b[i] = -b[i];
        OpCheck.compare("div", new Close(2e-6, 1e-6, "division and its gradient -g*a/b^2 round twice or three times"),
                new Close(1e-5, 3e-5, "as above, summed over up to 264 broadcast terms in another order"),
                t -> t.get(0).div(t.get(1)), x -> x.get(0).div(x.get(1)), In.of(1, sa), In.values(b, sb));
    }

    @ParameterizedTest
    @MethodSource("shapePairs")
    void maximumAndMinimum(int[] sa, int[] sb) {
        binary("maximum", sa, sb, t -> t.get(0).maximum(t.get(1)), x -> x.get(0).maximum(x.get(1)));
        binary("minimum", sa, sb, t -> t.get(0).minimum(t.get(1)), x -> x.get(0).minimum(x.get(1)));
    }

    static Stream<Arguments> unaryShapes() {
        return Stream.of(Arguments.of((Object) new int[] {3, 37}), Arguments.of((Object) new int[] {1000}),
                Arguments.of((Object) new int[] {1}), Arguments.of((Object) new int[] {2, 66, 128}));
    }

    @ParameterizedTest
    @MethodSource("unaryShapes")
    void unaryOfAnyReal(int[] shape) {
        float[] x = Data.normal(7, Data.numel(shape));
        for (int i = 0; i < x.length; i++) x[i] *= 3f; // reaches the tails of tanh, sigmoid and GELU
        In in = In.values(x, shape);
        OpCheck.compare("neg", EXACTISH, EXACTISH, t -> t.get(0).neg(), a -> a.get(0).neg(), in);
        OpCheck.compare("exp", TRANSCENDENTAL, TRANSCENDENTAL, t -> t.get(0).exp(), a -> a.get(0).exp(), in);
        OpCheck.compare("relu", EXACTISH, EXACTISH, t -> t.get(0).relu(), a -> a.get(0).getNDArrayInternal().relu(), in);
        OpCheck.compare("gelu", TRANSCENDENTAL, TRANSCENDENTAL, t -> t.get(0).gelu(),
                a -> a.get(0).getNDArrayInternal().gelu(), in);
        OpCheck.compare("tanh", TRANSCENDENTAL, TRANSCENDENTAL, t -> t.get(0).tanh(), a -> a.get(0).tanh(), in);
        OpCheck.compare("sigmoid", TRANSCENDENTAL, TRANSCENDENTAL, t -> t.get(0).sigmoid(),
                a -> a.get(0).getNDArrayInternal().sigmoid(), in);
        OpCheck.compare("abs", EXACTISH, EXACTISH, t -> t.get(0).abs(), a -> a.get(0).abs(), in);
        OpCheck.compare("mul scalar", EXACTISH, EXACTISH, t -> t.get(0).mul(-1.5f), a -> a.get(0).mul(-1.5f), in);
        OpCheck.compare("add scalar", EXACTISH, EXACTISH, t -> t.get(0).add(2.5f), a -> a.get(0).add(2.5f), in);
        OpCheck.compare("div scalar", EXACTISH, EXACTISH, t -> t.get(0).div(3f), a -> a.get(0).div(3f), in);
        OpCheck.compare("rsub scalar", EXACTISH, EXACTISH, t -> t.get(0).rsub(1f), a -> a.get(0).neg().add(1f), in);
        OpCheck.compare("pow 2", EXACTISH, EXACTISH, t -> t.get(0).pow(2f), a -> a.get(0).pow(2f), in);
        OpCheck.compare("pow 3", TRANSCENDENTAL, TRANSCENDENTAL, t -> t.get(0).pow(3f), a -> a.get(0).pow(3f), in);
        OpCheck.compare("clampMin", EXACTISH, EXACTISH, t -> t.get(0).clampMin(0.2f), a -> a.get(0).maximum(0.2f), in);
    }

    @ParameterizedTest
    @MethodSource("unaryShapes")
    void unaryOfPositiveReals(int[] shape) {
        In in = In.values(Data.uniform(8, Data.numel(shape), 0.05f, 4f), shape);
        OpCheck.compare("log", TRANSCENDENTAL, TRANSCENDENTAL, t -> t.get(0).log(), a -> a.get(0).log(), in);
        OpCheck.compare("sqrt", EXACTISH, EXACTISH, t -> t.get(0).sqrt(), a -> a.get(0).sqrt(), in);
        OpCheck.compare("pow 0.5", EXACTISH, EXACTISH, t -> t.get(0).pow(0.5f), a -> a.get(0).pow(0.5f), in);
        OpCheck.compare("pow -1.5", TRANSCENDENTAL, TRANSCENDENTAL, t -> t.get(0).pow(-1.5f), a -> a.get(0).pow(-1.5f), in);
    }
}
