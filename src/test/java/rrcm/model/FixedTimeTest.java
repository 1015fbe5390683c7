package rrcm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import rrcm.backend.Backends;
import rrcm.nn.Init;
import rrcm.tensor.Tensor;
import rrcm.testing.Data;

/** The time-token ablation (model.fixed_time): every input is conditioned on one time, whatever its own. */
class FixedTimeTest {
    private static final VitConfig METHOD = new VitConfig(8, 1, 4, 16, 1, 2, 2);
    private static final VitConfig FIXED = new VitConfig(8, 1, 4, 16, 1, 2, 2, 0.5);

    private static float[] feature(VitConfig c, double t) {
        var be = Backends.cpu();
        VisionTransformer vit = new VisionTransformer(be, new Init(7), c);
        Tensor x = Tensor.of(be, Data.uniform(3, 2 * 64, -1, 1), 2, 1, 8, 8);
        return vit.forward(x, t).toFloatArray();
    }

    @Test
    void aFixedTimeIgnoresTheInputsTimeAndIsTheMethodsEncoderAtThatTime() {
        float[] atSmall = feature(FIXED, 0.01), atLarge = feature(FIXED, 20);
        assertArrayEquals(atSmall, atLarge);
        assertArrayEquals(feature(METHOD, 0.5), atSmall);
        assertFalse(Arrays.equals(feature(METHOD, 0.01), feature(METHOD, 20)), "the method's encoder does see the time");
    }

    @Test
    void aFixedTimeMustBePositiveOrOff() {
        assertThrows(IllegalArgumentException.class, () -> new VitConfig(8, 1, 4, 16, 1, 2, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> new VitConfig(8, 1, 4, 16, 1, 2, 2, Double.NaN));
    }
}
