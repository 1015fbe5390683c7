package rrcm.backend.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * How two broadcast operands line up with their output. Dimensions of size 1 in the output are
 * dropped, and neighbouring dimensions in which each operand is either present or broadcast in the
 * same way are merged; what remains is rows of one inner dimension, along which an operand moves with
 * stride 1 or 0, and outer dimensions whose strides give each row's start.
 */
record Broadcast(int inner, int innerStrideA, int innerStrideB, int[] outerSizes, int[] outerStridesA,
                 int[] outerStridesB) {

    static Broadcast of(int[] aShape, int[] bShape, int[] outShape) {
        int rank = outShape.length;
        int[] a = padded(aShape, rank), b = padded(bShape, rank);
        List<int[]> dims = new ArrayList<>(); // {size, aPresent, bPresent}
        for (int d = 0; d < rank; d++) {
            int size = outShape[d];
            if (size == 1) continue;
            int ap = a[d] == 1 ? 0 : 1, bp = b[d] == 1 ? 0 : 1;
            int[] last = dims.isEmpty() ? null : dims.get(dims.size() - 1);
            if (last != null && last[1] == ap && last[2] == bp) last[0] *= size;
            else dims.add(new int[] {size, ap, bp});
        }
        if (dims.isEmpty()) dims.add(new int[] {1, 1, 1});
        int n = dims.size();
        int[] sizes = new int[n], sa = new int[n], sb = new int[n];
        int strideA = 1, strideB = 1;
        for (int d = n - 1; d >= 0; d--) {
            int[] dim = dims.get(d);
            sizes[d] = dim[0];
            sa[d] = dim[1] == 1 ? strideA : 0;
            sb[d] = dim[2] == 1 ? strideB : 0;
            if (dim[1] == 1) strideA *= dim[0];
            if (dim[2] == 1) strideB *= dim[0];
        }
        return new Broadcast(sizes[n - 1], sa[n - 1] == 0 ? 0 : 1, sb[n - 1] == 0 ? 0 : 1,
                java.util.Arrays.copyOf(sizes, n - 1), java.util.Arrays.copyOf(sa, n - 1),
                java.util.Arrays.copyOf(sb, n - 1));
    }

    private static int[] padded(int[] shape, int rank) {
        int[] p = new int[rank];
        java.util.Arrays.fill(p, 1);
        System.arraycopy(shape, 0, p, rank - shape.length, shape.length);
        return p;
    }

    int rows() {
        int r = 1;
        for (int s : outerSizes) r *= s;
        return r;
    }

    int offsetA(int row) {
        return offset(row, outerStridesA);
    }

    int offsetB(int row) {
        return offset(row, outerStridesB);
    }

    private int offset(int row, int[] strides) {
        int off = 0;
        for (int d = outerSizes.length - 1; d >= 0; d--) {
            int size = outerSizes[d];
            off += (row % size) * strides[d];
            row /= size;
        }
        return off;
    }
}
