package rrcm.io;

import java.util.Arrays;

/** Shape arithmetic shared by the arrays and the safetensors header checks. */
final class Shapes {
    private Shapes() {}

    /**
     * Checks that a shape has no negative dimension and that its product is the data length; returns
     * a copy of the shape.
     */
    static int[] checked(int[] shape, int length, String kind) {
        if (shape == null) throw new IllegalArgumentException(kind + " needs a shape");
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException(kind + " shape " + format(shape) + " has a negative dimension");
        }
        long n = elementCount(shape);
        if (n != length) {
            throw new IllegalArgumentException(kind + " shape " + format(shape) + " holds "
                    + (n < 0 ? "more than 2^63" : Long.toString(n)) + " elements but the data has " + length);
        }
        return shape.clone();
    }

    /** Product of the dimensions (1 for a scalar), or -1 when it does not fit in a long. */
    static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    static String format(int[] shape) {
        return Arrays.toString(shape);
    }
}
