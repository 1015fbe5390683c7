package rrcm.io;

import java.util.Arrays;

/** An I64 array: see {@link HostArray}. Equality compares shape and every element. */
public record I64Array(int[] shape, long[] data) implements HostArray {
    public I64Array {
        if (data == null) throw new IllegalArgumentException("I64Array needs data");
        shape = Shapes.checked(shape, data.length, "I64Array");
    }

    @Override
    public ElementType dtype() {
        return ElementType.I64;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof I64Array other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "I64Array" + Arrays.toString(shape);
    }
}
