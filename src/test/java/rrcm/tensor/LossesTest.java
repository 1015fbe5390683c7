package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import rrcm.testing.Close;
import rrcm.testing.Data;
import rrcm.testing.OpCheck;
import rrcm.testing.OpCheck.In;

/** Fused cross-entropy against libtorch's log_softmax composed with a pick and a mean. */
class LossesTest {
    static final Close CE = new Close(2e-5, 2e-6, "log-sum-exp and mean over rows, summed in another order");

    @ParameterizedTest
    @CsvSource({"1, 1", "1, 10", "8, 10", "64, 7", "33, 1000"})
    void hardLabels(int n, int c) {
        int[] labels = Data.ints(61, n, c);
        OpCheck.compare("cross_entropy labels", CE, CE, t -> Losses.crossEntropy(t.get(0), t.get(1)),
                a -> a.get(0).logSoftmax(-1).gather(a.get(1).expandDims(1), 1).mean().neg(),
                In.of(62, n, c), In.indices(labels, n));
    }

    /** Fused InfoNCE (logits never stored) against libtorch's matmul, log_softmax, diagonal pick and mean. */
    @ParameterizedTest
    @CsvSource({"1, 1", "3, 5", "8, 16", "65, 33", "130, 40"})
    void infoNce(int n, int d) {
        float tau = 0.2f;
        OpCheck.compare("info_nce", CE, new Close(5e-5, 5e-6, "gradients through the recomputed softmax, summed in blocks"),
                t -> Losses.infoNce(t.get(0), t.get(1), tau),
                a -> a.get(0).matMul(a.get(1).transpose()).mul(1f / tau).logSoftmax(-1)
                        .gather(a.get(0).getManager().arange(n).toType(ai.djl.ndarray.types.DataType.INT64, false).reshape(n, 1), 1)
                        .mean().neg(),
                In.of(71, n, d), In.of(72, n, d));
    }

    @Test
    void infoNceAgainstAStopGradientKeyGivesTheQueriesTheSameGradient() {
        float tau = 0.2f;
        float[] qv = Data.normal(73, 12 * 6), kv = Data.normal(74, 12 * 6);
        Tensor q1 = Tensor.of(qv, 12, 6).requiresGrad(true), k1 = Tensor.of(kv, 12, 6).requiresGrad(true);
        Losses.infoNce(q1, k1, tau).backward();
        Tensor q2 = Tensor.of(qv, 12, 6).requiresGrad(true), k2 = Tensor.of(kv, 12, 6);
        Losses.infoNce(q2, k2, tau).backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(q1.grad().toFloatArray(), q2.grad().toFloatArray());
        org.junit.jupiter.api.Assertions.assertNull(k2.grad());
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "8, 10", "64, 7", "5, 300"})
    void softTargets(int n, int c) {
        float[] t = Data.uniform(63, n * c, 0f, 1f);
        for (int i = 0; i < n; i++) { // rows are probability vectors
            float s = 0;
            for (int j = 0; j < c; j++) s += t[i * c + j];
            for (int j = 0; j < c; j++) t[i * c + j] /= s;
        }
        OpCheck.compare("cross_entropy soft", CE, CE, x -> Losses.crossEntropy(x.get(0), x.get(1)),
                a -> a.get(0).logSoftmax(-1).mul(a.get(1)).sum(new int[] {1}).mean().neg(),
                In.of(64, n, c), In.constant(t, n, c));
    }

    @Test
    void labelOutOfRangeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.ofInts(new int[] {0, 3})));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
    }

    @Test
    void labelShapeMustMatchRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.ofInts(new int[] {0, 1, 2})));
        assertTrue(e.getMessage().contains("cross_entropy"), e.getMessage());
    }
}
