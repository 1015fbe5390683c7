package rrcm.io;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense row-major array in host memory with its shape and element type: what a checkpoint stores per
 * tensor. The data (a float[], int[] or long[], as the type says) is held as given, not copied, since
 * weights can be hundreds of megabytes; the small shape array is copied so that it cannot change under a
 * reader. Equality compares type, shape and every element.
 */
public final class HostArray {
    private final ElementType dtype;
    private final int[] shape;
    private final Object data;

    private HostArray(ElementType dtype, int[] shape, Object data) {
        if (data == null) throw new IllegalArgumentException(dtype + " array needs data");
        this.dtype = dtype;
        this.shape = Shapes.checked(shape, Array.getLength(data), dtype + " array");
        this.data = data;
    }

    public static HostArray of(float[] data, int... shape) {
        return new HostArray(ElementType.F32, shape, data);
    }

    public static HostArray of(int[] data, int... shape) {
        return new HostArray(ElementType.I32, shape, data);
    }

    public static HostArray of(long[] data, int... shape) {
        return new HostArray(ElementType.I64, shape, data);
    }

    public ElementType dtype() {
        return dtype;
    }

    /** The dimensions; empty for a 0-d scalar, which has one element. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape. */
    public int size() {
        return Array.getLength(data);
    }

    /** Bytes the elements take in a file. */
    public long byteSize() {
        return (long) size() * dtype.bytes();
    }

    /** The elements of an F32 array. */
    public float[] floats() {
        return (float[]) as(ElementType.F32);
    }

    /** The elements of an I32 array. */
    public int[] ints() {
        return (int[]) as(ElementType.I32);
    }

    /** The elements of an I64 array. */
    public long[] longs() {
        return (long[]) as(ElementType.I64);
    }

    private Object as(ElementType wanted) {
        if (dtype != wanted) throw new IllegalStateException("a " + dtype + " array read as " + wanted);
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostArray other && dtype == other.dtype && Arrays.equals(shape, other.shape)
                && Objects.deepEquals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.deepHashCode(new Object[] {data});
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
