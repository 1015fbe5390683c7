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
        backend.randomNormal(t.storage(), seed, stream, advance(t.numel()), mean, std);
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
        base.backend().noisyCopies(base.storage(), pixels, stride, n, seed, stream, start, std, t.storage());
        return t;
    }

    public Tensor uniform(Backend backend, float low, float high, int... shape) {
        Tensor t = Tensor.empty(backend, DType.F32, Shape.checked("uniform", shape));
        backend.randomUniform(t.storage(), seed, stream, advance(t.numel()), low, high);
        return t;
    }
}
