package rrcm.workflows;

import rrcm.backend.Backend;
import rrcm.model.KarrasSchedule;
import rrcm.tensor.Generator;
import rrcm.tensor.Tensor;

/** Moving host batches onto the backend and into the model's input space. */
final class Images {
    private Images() {}

    /** Pixels in [0, 1] (B, C, H, W) from the host, mapped to [-1, 1]. */
    static Tensor upload(Backend be, float[] pixels, int b, int c, int h, int w) {
        return Tensor.of(be, pixels, b, c, h, w).mul(2f).sub(1f);
    }

    /**
     * c_in(t) * (x + t * z) for several times t: the points at those times on the trajectory of x through
     * noise z, scaled for the network, from one pass over x and z (the same bits as the three ops apart).
     */
    static Tensor[] atTimes(Tensor x, Tensor z, double... t) {
        float[] ts = new float[t.length], scales = new float[t.length];
        for (int l = 0; l < t.length; l++) {
            ts[l] = (float) t[l];
            scales[l] = (float) KarrasSchedule.cIn(t[l]);
        }
        return Generator.levels(x, z, ts, scales);
    }

    static Tensor noise(Generator g, Backend be, int[] shape) {
        return g.normal(be, 0f, 1f, shape);
    }
}
