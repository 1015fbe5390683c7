package rrcm.io;

import java.util.Arrays;

/** An I32 array: see {@link HostArray}. Equality compares shape and every element. */
public record I32Array(int[] shape, int[] data) implements HostArray {
    public I32Array {
        if (data == null) throw new IllegalArgumentException("I32Array needs data");
        shape = Shapes.checked(shape, data.length, "I32Array");
    }

    @Override
    public ElementType dtype() {
        return ElementType.I32;
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
        return o instanceof I32Array other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "I32Array" + Arrays.toString(shape);
    }
}
