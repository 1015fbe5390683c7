package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import rrcm.testing.Close;
import rrcm.testing.Data;
import rrcm.testing.OpCheck;
import rrcm.testing.OpCheck.In;
import rrcm.testing.Torch;

/** softmax, log_softmax, layer_norm, batch_norm_1d and l2-normalize against libtorch. */
class NormalizationTest {
    static final Close ROWS = new Close(2e-5, 2e-6, "a row's max, sum of exponentials and normalization, each "
            + "to a few ulp, in another summation order than libtorch");
    static final Close NORM_GRADS = new Close(1e-4, 3e-5, "normalization gradients subtract two row sums (of g "
            + "and g * xhat) from g: cancellation amplifies the summation-order difference");

    static Stream<Arguments> rowShapes() {
        return Stream.of(Arguments.of((Object) new int[] {1, 1}), Arguments.of((Object) new int[] {3, 7}),
                Arguments.of((Object) new int[] {4, 66, 66}), Arguments.of((Object) new int[] {5, 768}),
                Arguments.of((Object) new int[] {2, 1000}), Arguments.of((Object) new int[] {33}));
    }

    @ParameterizedTest
    @MethodSource("rowShapes")
    void softmax(int[] shape) {
        float[] x = Data.normal(31, Data.numel(shape));
        for (int i = 0; i < x.length; i++) x[i] *= 4; // peaked rows as well as flat ones
        OpCheck.compare("softmax", ROWS, ROWS, t -> t.get(0).softmax(), a -> a.get(0).softmax(-1), In.values(x, shape));
        OpCheck.compare("log_softmax", ROWS, ROWS, t -> t.get(0).logSoftmax(), a -> a.get(0).logSoftmax(-1),
                In.values(x, shape));
    }

    @Test
    void softmaxOfMaskedAndNaNRowsFollowsLibtorch() {
        float inf = Float.POSITIVE_INFINITY, nan = Float.NaN;
        float[] x = {-inf, 0f, 1f, -inf, /* */ 2f, nan, 0f, 1f, /* */ -inf, -inf, -inf, -inf};
        float[] y = Tensor.of(x, 3, 4).softmax().toFloatArray();
        float e = (float) Math.E;
        assertEquals(0f, y[0]);
        assertEquals(1 / (1 + e), y[1], 1e-7);
        assertEquals(e / (1 + e), y[2], 1e-7);
        assertEquals(0f, y[3]);
        for (int i = 4; i < 12; i++) assertTrue(Float.isNaN(y[i]), "NaN expected at " + i + ", got " + y[i]);
    }

    @ParameterizedTest
    @MethodSource("rowShapes")
    void layerNorm(int[] shape) {
        int d = shape[shape.length - 1];
        // One column normalizes to exactly 0 here; libtorch's x - mean there is rounding noise that
        // 1/sqrt(eps) amplifies to 1e-4, which no tolerance should try to match.
        org.junit.jupiter.api.Assumptions.assumeTrue(d > 1);
        OpCheck.compare("layer_norm", ROWS, NORM_GRADS, t -> t.get(0).layerNorm(t.get(1), t.get(2), 1e-5f),
                a -> a.get(0).getNDArrayInternal().layerNorm(a.get(0), Torch.shape(new int[] {d}), a.get(1), a.get(2),
                        1e-5f).get(0),
                In.of(32, shape), In.of(33, d), In.of(34, d));
    }

    @Test
    void layerNormWithoutAffineParameters() {
        int[] shape = {6, 50};
        OpCheck.compare("layer_norm (no affine)", ROWS, NORM_GRADS, t -> t.get(0).layerNorm(null, null, 1e-5f),
                a -> a.get(0).getNDArrayInternal().layerNorm(a.get(0), Torch.shape(new int[] {50}), a.get(1), a.get(2),
                        1e-5f).get(0),
                In.of(35, shape), In.constant(ones(50), 50), In.constant(new float[50], 50));
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        java.util.Arrays.fill(o, 1f);
        return o;
    }

    /** libtorch's batch norm in training mode, spelled with its elementwise ops (biased batch variance). */
    private static NDArray torchBatchNorm(NDArray x, NDArray w, NDArray b, float eps) {
        NDArray mean = x.mean(new int[] {0}, true);
        NDArray centred = x.sub(mean);
        NDArray var = centred.mul(centred).mean(new int[] {0}, true);
        return centred.div(var.add(eps).sqrt()).mul(w).add(b);
    }

    @ParameterizedTest
    @MethodSource("bnShapes")
    void batchNormTraining(int n, int c) {
        OpCheck.compare("batch_norm_1d", ROWS, NORM_GRADS,
                t -> Normalization.batchNorm1d(t.get(0), t.get(1), t.get(2), null, null, true, 0.1f, 1e-5f),
                a -> torchBatchNorm(a.get(0), a.get(1), a.get(2), 1e-5f), In.of(36, n, c), In.of(37, c), In.of(38, c));
    }

    static Stream<Arguments> bnShapes() {
        return Stream.of(Arguments.of(2, 1), Arguments.of(8, 33), Arguments.of(256, 64), Arguments.of(5, 2048));
    }

    @Test
    void batchNormUpdatesRunningStatisticsLikePyTorch() {
        int n = 10, c = 3;
        float[] x = Data.normal(39, n * c);
        Tensor rm = Tensor.of(new float[] {0.5f, -1f, 2f});
        Tensor rv = Tensor.of(new float[] {1f, 2f, 0.5f});
        Normalization.batchNorm1d(Tensor.of(x, n, c), null, null, rm, rv, true, 0.1f, 1e-5f);
        float[] mean = rm.toFloatArray(), var = rv.toFloatArray();
        float[] rm0 = {0.5f, -1f, 2f}, rv0 = {1f, 2f, 0.5f};
        for (int j = 0; j < c; j++) {
            double mu = 0, ss = 0;
            for (int i = 0; i < n; i++) mu += x[i * c + j];
            mu /= n;
            for (int i = 0; i < n; i++) ss += (x[i * c + j] - mu) * (x[i * c + j] - mu);
            // PyTorch: running = (1 - momentum) * running + momentum * batch, with the unbiased variance
            assertEquals(0.9 * rm0[j] + 0.1 * mu, mean[j], 1e-6);
            assertEquals(0.9 * rv0[j] + 0.1 * ss / (n - 1), var[j], 1e-6);
        }
    }

    @Test
    void batchNormEvaluationUsesRunningStatistics() {
        int n = 7, c = 5;
        float[] rm = Data.normal(40, c), rv = Data.uniform(41, c, 0.5f, 2f);
        OpCheck.compare("batch_norm_1d eval", ROWS, ROWS,
                t -> Normalization.batchNorm1d(t.get(0), t.get(1), t.get(2), Tensor.of(rm), Tensor.of(rv), false, 0.1f,
                        1e-5f),
                a -> a.get(0).sub(a.get(3)).div(a.get(4).add(1e-5f).sqrt()).mul(a.get(1)).add(a.get(2)),
                In.of(42, n, c), In.of(43, c), In.of(44, c), In.constant(rm, c), In.constant(rv, c));
    }

    @Test
    void batchNormTrainingNeedsTwoSamples() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.batchNorm1d(Tensor.zeros(1, 4), null, null, null, null, true, 0.1f, 1e-5f));
        assertTrue(e.getMessage().contains("batch_norm_1d"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("rowShapes")
    void l2Normalize(int[] shape) {
        OpCheck.compare("l2_normalize", ROWS, NORM_GRADS, t -> t.get(0).l2Normalize(-1, 1e-12f),
                a -> a.get(0).normalize(2, -1, 1e-12), In.of(45, shape));
        OpCheck.compare("l2_normalize axis 0", ROWS, NORM_GRADS, t -> t.get(0).l2Normalize(0, 1e-12f),
                a -> a.get(0).normalize(2, 0, 1e-12), In.of(46, shape));
    }

    @Test
    void l2NormalizeOfAZeroRowStaysFinite() {
        float[] x = {0, 0, 0, 3, 4, 0};
        OpCheck.compare("l2_normalize zero row", ROWS, ROWS, t -> t.get(0).l2Normalize(1, 1e-12f),
                a -> a.get(0).normalize(2, 1, 1e-12), In.values(x, 2, 3));
    }
}
