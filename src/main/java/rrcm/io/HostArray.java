package rrcm.io;

/**
 * A dense row-major array in host memory with its shape: what a checkpoint stores per tensor. The
 * data array is held as given, not copied, since weights can be hundreds of megabytes; the small
 * shape array is copied so that it cannot change under a reader.
 */
public sealed interface HostArray permits F32Array, I32Array, I64Array {
    ElementType dtype();

    /** The dimensions; empty for a 0-d scalar, which has one element. */
    int[] shape();

    /** Number of elements: the product of the shape. */
    int size();

    /** Bytes the elements take in a file. */
    default long byteSize() {
        return (long) size() * dtype().bytes();
    }

    static F32Array of(float[] data, int... shape) {
        return new F32Array(shape, data);
    }

    static I32Array of(int[] data, int... shape) {
        return new I32Array(shape, data);
    }

    static I64Array of(long[] data, int... shape) {
        return new I64Array(shape, data);
    }
}
