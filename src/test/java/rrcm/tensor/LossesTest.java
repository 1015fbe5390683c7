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
