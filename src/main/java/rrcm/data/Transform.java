package rrcm.data;

import java.util.random.RandomGenerator;

/**
 * One step of an augmentation pipeline on a CHW float image in [0, 1]. Transforms hold no mutable
 * state, so one instance serves all worker threads; every random choice comes from the generator
 * passed in, which makes a result a pure function of the input and the generator's seed.
 */
public interface Transform {
    /**
     * The shape this transform makes from an input of shape {@code in}; fixed for a given input
     * shape, so a pipeline's output size is known before any image is read.
     *
     * @throws IllegalArgumentException when the transform cannot take such an input
     */
    ImageShape outputShape(ImageShape in);

    /**
     * Reads an image of shape {@code in} from src[0 ..) and writes {@code outputShape(in)} floats to
     * dst[0 ..). src and dst are different arrays; src is left unchanged. {@code scratch} belongs to
     * the calling thread.
     */
    void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch);

    /** Convenience for tests and one-off use: allocates the output and a scratch. */
    default float[] apply(float[] src, ImageShape in, RandomGenerator rng) {
        float[] dst = new float[outputShape(in).size()];
        apply(src, in, dst, rng, new Scratch());
        return dst;
    }
}
