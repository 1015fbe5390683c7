package rrcm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The noise grid, the fine-tuning time per sigma and the curriculum, against docs/method.md's numbers. */
class KarrasScheduleTest {
    @ParameterizedTest
    @CsvSource({"0.25, 53, 0.492707, 1.424564, -176.96", "0.50, 48, 0.965417, 0.919784, -8.7988",
        "1.00, 42, 2.003647, 0.484240, 173.742"})
    void fineTuningTimeForSigma(double sigma, int index, double t, double cIn, double s) {
        assertEquals(index, KarrasSchedule.nearestIndex(2 * sigma));
        assertEquals(t, KarrasSchedule.timeForSigma(sigma), 5e-7);
        assertEquals(cIn, KarrasSchedule.cIn(KarrasSchedule.timeForSigma(sigma)), 5e-7);
        assertEquals(s, 250 * Math.log(KarrasSchedule.timeForSigma(sigma)), Math.abs(s) * 1e-5);
    }

    @Test
    void gridRunsFromSigmaMaxToSigmaMin() {
        double[] g = KarrasSchedule.grid(21);
        assertEquals(80, g[0], 1e-9);
        assertEquals(0.002, g[20], 1e-12);
        for (int i = 1; i < g.length; i++) assertEquals(true, g[i] < g[i - 1]);
    }

    @Test
    void curriculumHasThreeStages() {
        long k = 300_000;
        long kPrime = (long) Math.ceil(k / (Math.log(5) / Math.log(2))); // 129,203
        assertEquals(129_203, kPrime);
        assertEquals(21, KarrasSchedule.levels(0, k));
        assertEquals(21, KarrasSchedule.levels(kPrime - 1, k));
        assertEquals(41, KarrasSchedule.levels(kPrime, k));
        assertEquals(81, KarrasSchedule.levels(2 * kPrime, k));
        assertEquals(81, KarrasSchedule.levels(k - 1, k));
    }

    @Test
    void timeEmbeddingIsCosinesThenSines() {
        float[] e = TimeEmbedding.sinusoidal(0.492707, 8);
        double s = 250 * Math.log(0.492707);
        for (int i = 0; i < 4; i++) {
            double f = Math.exp(-Math.log(10000) * i / 4);
            assertEquals(Math.cos(s * f), e[i], 1e-6);
            assertEquals(Math.sin(s * f), e[4 + i], 1e-6);
        }
    }
}
