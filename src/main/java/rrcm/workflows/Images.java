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

    /** c_in(t) * (x + t * z): a point at time t on the trajectory of x through noise z, scaled for the network. */
    static Tensor atTime(Tensor x, Tensor z, double t) {
        float cIn = (float) KarrasSchedule.cIn(t);
        return x.add(z.mul((float) t)).mul(cIn);
    }

    static Tensor noise(Generator g, Backend be, int[] shape) {
        return g.normal(be, 0f, 1f, shape);
    }
}
