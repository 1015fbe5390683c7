package rrcm.workflows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import rrcm.model.KarrasSchedule;
import rrcm.tensor.Tensor;
import rrcm.testing.Data;

/** The training form of the noise injection is the three ops it replaces, to the bit. */
class ImagesTest {
    @Test
    void pointsAtSeveralTimesAreTheSeparateOpsBitForBit() {
        int n = 3 * 37; // not a multiple of the vector width
        Tensor x = Tensor.of(Data.uniform(1, n, -1f, 1f), 3, 37), z = Tensor.of(Data.normal(2, n), 3, 37);
        double[] times = {0.002, 0.4927, 3.1, 80};
        Tensor[] fused = Images.atTimes(x, z, times);
        for (int l = 0; l < times.length; l++) {
            Tensor apart = x.add(z.mul((float) times[l])).mul((float) KarrasSchedule.cIn(times[l]));
            assertArrayEquals(apart.toFloatArray(), fused[l].toFloatArray(), "t = " + times[l]);
        }
    }

    @Test
    void imagesThatRequireAGradientAreRefused() {
        Tensor x = Tensor.of(new float[4], 4).requiresGrad(true), z = Tensor.of(new float[4], 4);
        assertThrows(IllegalArgumentException.class, () -> Images.atTimes(x, z, 1.0));
    }
}
