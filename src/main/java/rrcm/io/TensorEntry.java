package rrcm.io;

import java.util.Arrays;

/**
 * One tensor as a safetensors header describes it: type, shape and its bytes {@code [begin, end)}
 * within the data buffer that follows the header.
 */
public record TensorEntry(String name, ElementType dtype, int[] shape, long begin, long end) {
    public TensorEntry {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape, 1 for a scalar. */
    public int size() {
        return Math.toIntExact(Shapes.elementCount(shape));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry other && name.equals(other.name) && dtype == other.dtype
                && Arrays.equals(shape, other.shape) && begin == other.begin && end == other.end;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(begin);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Shapes.format(shape) + " bytes [" + begin + ", " + end + ")";
    }
}
