package rrcm.backend.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import rrcm.backend.ShapePlan;

/**
 * Shapes reduced to what a kernel needs: axes of size 1 dropped and neighbouring axes merged where
 * the kernel cannot tell them apart, then packed into the descriptors of kernels/common.cuh and
 * kernels/layout.cu (structs of 32-bit words, arrays padded to {@link #MAX_DIMS}).
 */
final class ShapePlans {
    /** RRCM_MAX_DIMS of kernels/common.cuh: the most axes a broadcast keeps (checked by ElementwiseOps). */
    static final int MAX_DIMS = rrcm.backend.ElementwiseOps.MAX_AXES;

    private ShapePlans() {}

    /** The words of struct Broadcast of kernels/common.cuh. */
    static int[] words(ShapePlan.Broadcast plan) {
        int rank = plan.rank();
        int[] w = new int[1 + 3 * MAX_DIMS];
        w[0] = rank;
        System.arraycopy(plan.sizes(), 0, w, 1, rank);
        System.arraycopy(plan.strideA(), 0, w, 1 + MAX_DIMS, rank);
        System.arraycopy(plan.strideB(), 0, w, 1 + 2 * MAX_DIMS, rank);
        return w;
    }

    /** How a permutation runs: a plain copy, runs along a kept innermost axis, or tiled transposes. */
    sealed interface Permutation permits Copy, Runs, Tiled {}

    record Copy() implements Permutation {}

    /** dst axes (merged, outermost first) with their src strides: the words of struct Broadcast (stride_a). */
    record Runs(int rank, int[] sizes, int[] srcStrides) implements Permutation {
        int[] words() {
            int[] w = new int[1 + 3 * MAX_DIMS];
            w[0] = rank;
            System.arraycopy(sizes, 0, w, 1, rank);
            System.arraycopy(srcStrides, 0, w, 1 + MAX_DIMS, rank);
            return w;
        }
    }

    /** The words of struct TiledPermutation (kernels/layout.cu). */
    record Tiled(int rows, int cols, int rowStride, int colStride, int[] batchSizes, int[] batchSrc, int[] batchDst)
            implements Permutation {
        int[] words() {
            int b = MAX_DIMS - 2;
            int[] w = new int[5 + 3 * b];
            w[0] = rows;
            w[1] = cols;
            w[2] = rowStride;
            w[3] = colStride;
            w[4] = batchSizes.length;
            System.arraycopy(batchSizes, 0, w, 5, batchSizes.length);
            System.arraycopy(batchSrc, 0, w, 5 + b, batchSrc.length);
            System.arraycopy(batchDst, 0, w, 5 + 2 * b, batchDst.length);
            return w;
        }

        long batches() {
            long n = 1;
            for (int s : batchSizes) n *= s;
            return n;
        }
    }

    /** dst axis i is src axis perm[i]. */
    static Permutation permutation(int[] shape, int[] perm) {
        int rank = shape.length;
        if (perm.length != rank) {
            throw new IllegalArgumentException("permute: " + perm.length + " axes in the permutation for shape " + Arrays.toString(shape));
        }
        boolean[] seen = new boolean[rank];
        for (int p : perm) {
            if (p < 0 || p >= rank || seen[p]) throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " is not a permutation");
            seen[p] = true;
        }
        // number the src axes of size > 1 in order, then list them in dst order
        int[] kept = new int[rank];
        int r = 0;
        for (int d = 0; d < rank; d++) kept[d] = shape[d] > 1 ? r++ : -1;
        List<int[]> groups = new ArrayList<>(); // in dst order: {first kept src axis, axes, size}
        for (int p : perm) {
            if (kept[p] < 0) continue;
            int[] last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && last[0] + last[1] == kept[p]) {
                last[1]++;
                last[2] *= shape[p];
            } else {
                groups.add(new int[] {kept[p], 1, shape[p]});
            }
        }
        int n = groups.size();
        boolean inOrder = true;
        for (int i = 1; i < n; i++) inOrder &= groups.get(i)[0] > groups.get(i - 1)[0];
        if (n <= 1 || inOrder) return new Copy();
        // strides: in src, groups ordered by their first axis; in dst, the list order
        Integer[] bySrc = new Integer[n];
        for (int i = 0; i < n; i++) bySrc[i] = i;
        Arrays.sort(bySrc, (x, y) -> Integer.compare(groups.get(x)[0], groups.get(y)[0]));
        int[] srcStride = new int[n], dstStride = new int[n];
        for (int i = n - 1, s = 1; i >= 0; i--) {
            srcStride[bySrc[i]] = s;
            s *= groups.get(bySrc[i])[2];
        }
        for (int i = n - 1, s = 1; i >= 0; i--) {
            dstStride[i] = s;
            s *= groups.get(i)[2];
        }
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) sizes[i] = groups.get(i)[2];
        int srcInner = bySrc[n - 1];
        if (srcInner == n - 1) {
            if (n > MAX_DIMS) throw new IllegalArgumentException("permute: more than " + MAX_DIMS + " separate axes in " + Arrays.toString(shape));
            return new Runs(n, sizes, srcStride);
        }
        if (n - 2 > MAX_DIMS - 2) throw new IllegalArgumentException("permute: more than " + MAX_DIMS + " separate axes in " + Arrays.toString(shape));
        int[] bs = new int[n - 2], bsrc = new int[n - 2], bdst = new int[n - 2];
        for (int i = 0, k = 0; i < n - 1; i++) {
            if (i == srcInner) continue;
            bs[k] = sizes[i];
            bsrc[k] = srcStride[i];
            bdst[k] = dstStride[i];
            k++;
        }
        return new Tiled(sizes[n - 1], sizes[srcInner], srcStride[n - 1], dstStride[srcInner], bs, bsrc, bdst);
    }

}
