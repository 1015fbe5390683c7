package rrcm.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shapes reduced to what a loop or a kernel needs, shared by every backend: axes of size 1 dropped and
 * neighbouring axes merged where the operation cannot tell them apart.
 */
public final class ShapePlan {
    private ShapePlan() {}

    /**
     * A broadcast: the output's merged sizes (outermost first) with the strides of a and b along them
     * (0 where an operand is broadcast). Neighbouring axes merge when each operand is present or
     * broadcast in both, so equal shapes are one run, a bias row is (rows, cols) with stride 0, and so on.
     */
    public record Broadcast(int[] sizes, int[] strideA, int[] strideB, long numel) {
        public int rank() {
            return sizes.length;
        }

        public int inner() {
            return sizes[sizes.length - 1];
        }
    }

    public static Broadcast broadcast(String op, int[] a, int[] b, int[] out) {
        int rank = out.length;
        if (a.length > rank || b.length > rank) {
            throw new IllegalArgumentException(op + ": operand shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                    + " have more axes than the output " + Arrays.toString(out));
        }
        List<int[]> dims = new ArrayList<>(); // {size, a present, b present}
        long numel = 1;
        for (int d = 0; d < rank; d++) {
            int size = out[d];
            int ad = d - (rank - a.length) >= 0 ? a[d - (rank - a.length)] : 1;
            int bd = d - (rank - b.length) >= 0 ? b[d - (rank - b.length)] : 1;
            if ((ad != size && ad != 1) || (bd != size && bd != 1)) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast to " + Arrays.toString(out));
            }
            numel *= size;
            if (size == 1) continue;
            int ap = ad == size ? 1 : 0, bp = bd == size ? 1 : 0;
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
        return new Broadcast(sizes, sa, sb, numel);
    }

    /**
     * A reduction as passes of {outer, reduced, inner} over a contiguous tensor, innermost group of
     * reduced axes first (each pass's output is the next one's input), and the number of elements
     * reduced into each output (MEAN divides by it). No passes: nothing is reduced, a copy.
     */
    public record Reduction(List<int[]> passes, long count) {}

    public static Reduction reduction(int[] shape, int[] outShape) {
        if (outShape.length != shape.length) {
            throw new IllegalArgumentException("reduce: output shape " + Arrays.toString(outShape) + " must have the rank of "
                    + Arrays.toString(shape));
        }
        List<int[]> groups = new ArrayList<>(); // {size, reduced}
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (outShape[d] != 1 && outShape[d] != shape[d]) {
                throw new IllegalArgumentException("reduce: output shape " + Arrays.toString(outShape) + " does not fit "
                        + Arrays.toString(shape));
            }
            if (shape[d] == 1) continue;
            int red = outShape[d] == 1 ? 1 : 0;
            if (red == 1) count *= shape[d];
            int[] last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && last[1] == red) last[0] *= shape[d];
            else groups.add(new int[] {shape[d], red});
        }
        List<int[]> passes = new ArrayList<>();
        long total = 1;
        for (int s : shape) total *= s;
        for (int g = groups.size() - 1; g >= 0; g--) {
            if (groups.get(g)[1] == 0) continue;
            int red = groups.get(g)[0];
            long inner = 1;
            for (int h = g + 1; h < groups.size(); h++) inner *= groups.get(h)[0];
            long outer = total / (red * inner);
            passes.add(new int[] {(int) outer, red, (int) inner});
            total = outer * inner;
            groups.get(g)[0] = 1;
        }
        return new Reduction(passes, count);
    }
}
