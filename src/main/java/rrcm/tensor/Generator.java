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

    public Tensor uniform(Backend backend, float low, float high, int... shape) {
        Tensor t = Tensor.empty(backend, DType.F32, Shape.checked("uniform", shape));
        backend.randomUniform(t.storage(), seed, stream, advance(t.numel()), low, high);
        return t;
    }
}
