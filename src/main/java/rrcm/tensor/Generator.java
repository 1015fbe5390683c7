package rrcm.tensor;

import rrcm.backend.Backend;
import rrcm.backend.DType;

/**
 * A stream of random tensors: Philox4x32-10 keyed by (seed, stream), with a counter that advances by
 * one block of four values per four elements drawn. Its whole state is three longs, so a checkpoint
 * resumes it exactly, and any backend draws the same numbers.
 */
public final class Generator {
    private final long seed;
    private final long stream;
    private long counter;

    public Generator(long seed) {
        this(seed, 0, 0);
    }

    public Generator(long seed, long stream, long counter) {
        this.seed = seed;
        this.stream = stream;
        this.counter = counter;
    }

    public long seed() {
        return seed;
    }

    public long stream() {
        return stream;
    }

    public long counter() {
        return counter;
    }

    /** An independent generator with the same seed on another stream, starting at counter 0. */
    public Generator fork(long otherStream) {
        return new Generator(seed, otherStream, 0);
    }

    /** Reserves the blocks for n elements and returns the first block's counter. */
    public long advance(int n) {
        long start = counter;
        counter += (n + 3L) / 4;
        return start;
    }

    public Tensor normal(Backend backend, float mean, float std, int... shape) {
        Tensor t = Tensor.empty(backend, DType.F32, Shape.checked("normal", shape));
        backend.random().normal(t.storage(), seed, stream, advance(t.numel()), mean, std);
        return t;
    }

    /**
     * n noisy copies of base, (n, ...base's shape): copy i is {@code base + std * z_i}, with z_i drawn
     * from the blocks after those of the copies before it (each copy starts on a block of its own, so its
     * noise does not depend on how copies are batched). The generator advances past all n copies. No
     * gradient flows back to base: this is the noise injection of certification, under noGrad.
     */
    public Tensor noisyCopies(Tensor base, int n, float std) {
        int pixels = base.numel(), stride = (pixels + 3) / 4 * 4;
        int[] shape = new int[base.rank() + 1];
        shape[0] = n;
        System.arraycopy(base.shape(), 0, shape, 1, base.rank());
        Tensor t = Tensor.empty(base.backend(), DType.F32, Shape.checked("noisy_copies", shape));
        long start = counter;
        counter += (long) n * (stride / 4);
        base.backend().random().noisyCopies(base.storage(), pixels, stride, n, seed, stream, start, std, t.storage());
        return t;
    }

    /**
     * The training form of the noise injection: for each level l, (x + t[l] z) scale[l], from one pass over
     * x and z; the same bits as x.add(z.mul(t)).mul(scale). Data, not parameters: x and z must not require
     * a gradient.
     */
    public static Tensor[] levels(Tensor x, Tensor z, float[] t, float[] scale) {
        Ops.floatsOnOneBackend("noise_levels", x, z);
        if (!Shape.same(x.shape(), z.shape())) {
            throw new IllegalArgumentException("noise_levels: x " + Shape.str(x.shape()) + " and z " + Shape.str(z.shape()) + " differ");
        }
        if (x.requiresGrad() || z.requiresGrad()) {
            throw new IllegalArgumentException("noise_levels: the images and the noise are data; they cannot require a gradient");
        }
        Tensor[] out = new Tensor[t.length];
        rrcm.backend.Storage[] storages = new rrcm.backend.Storage[t.length];
        for (int l = 0; l < t.length; l++) {
            out[l] = Tensor.empty(x.backend(), DType.F32, x.shape());
            storages[l] = out[l].storage();
        }
        x.backend().random().noiseLevels(x.storage(), z.storage(), t, scale, storages);
        return out;
    }

    public Tensor uniform(Backend backend, float low, float high, int... shape) {
        Tensor t = Tensor.empty(backend, DType.F32, Shape.checked("uniform", shape));
        backend.random().uniform(t.storage(), seed, stream, advance(t.numel()), low, high);
        return t;
    }
}
