package rrcm.io;

import java.util.Arrays;

/** An F32 array: see {@link HostArray}. Equality compares shape and every element. */
public record F32Array(int[] shape, float[] data) implements HostArray {
    public F32Array {
        if (data == null) throw new IllegalArgumentException("F32Array needs data");
        shape = Shapes.checked(shape, data.length, "F32Array");
    }

    @Override
    public ElementType dtype() {
        return ElementType.F32;
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
        return o instanceof F32Array other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "F32Array" + Arrays.toString(shape);
    }
}
