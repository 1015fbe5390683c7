package rrcm.backend.cpu;

import rrcm.backend.LayoutOps;

/** Copies between layouts: runs of rows, permutations, and the index ops with their scatter-adds. */
final class CpuLayout extends LayoutOps<CpuStorage> {
    private final Parallel par;

    CpuLayout(CpuBackend backend, Parallel par) {
        super(backend, CpuStorage.class);
        this.par = par;
    }

    @Override
    protected void doCopyRows(CpuStorage src, int srcOffset, int srcStride, CpuStorage dst, int dstOffset, int dstStride,
                              int rows, int rowLength, boolean accumulate) {
        copyRows(par, src.array(), srcOffset, srcStride, dst.array(), dstOffset, dstStride, rows, rowLength, accumulate);
    }

    @Override
    protected void doPermute(CpuStorage src, int[] shape, int[] perm, CpuStorage dst) {
        permute(par, src.array(), shape, perm, dst.array());
    }


    static void copyRows(Parallel par, Object src, int srcOffset, int srcStride, Object dst, int dstOffset,
                         int dstStride, int rows, int rowLength, boolean accumulate) {
        par.forRange(rows, rowLength, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int s = srcOffset + r * srcStride, d = dstOffset + r * dstStride;
                if (!accumulate) {
                    System.arraycopy(src, s, dst, d, rowLength);
                } else if (src instanceof float[] fs) {
                    float[] fd = (float[]) dst;
                    for (int i = 0; i < rowLength; i++) fd[d + i] += fs[s + i];
                } else {
                    int[] is = (int[]) src, id = (int[]) dst;
                    for (int i = 0; i < rowLength; i++) id[d + i] += is[s + i];
                }
            }
        });
    }

    /**
     * dst axis i is src axis perm[i]. The innermost destination axis is copied as a strided run; when
     * the permutation keeps the last axis, that run is contiguous and uses arraycopy.
     */
    static void permute(Parallel par, Object src, int[] shape, int[] perm, Object dst) {
        int rank = shape.length;
        int[] srcStrides = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--) {
            srcStrides[d] = s;
            s *= shape[d];
        }
        int[] outShape = new int[rank], stride = new int[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = shape[perm[i]];
            stride[i] = srcStrides[perm[i]];
        }
        int inner = rank == 0 ? 1 : outShape[rank - 1];
        int innerStride = rank == 0 ? 1 : stride[rank - 1];
        int rows = 1;
        for (int i = 0; i < rank - 1; i++) rows *= outShape[i];
        int outerRank = Math.max(0, rank - 1);
        par.forRange(rows, inner, (r0, r1) -> {
            // the source offset of row r0 from its index, then an odometer over the outer axes: divisions
            // per row would cost more than copying a short row (a head's 32 or 64 floats)
            int[] idx = new int[outerRank];
            int off = 0;
            for (int d = outerRank - 1, rest = r0; d >= 0; d--) {
                idx[d] = rest % outShape[d];
                rest /= outShape[d];
                off += idx[d] * stride[d];
            }
            for (int r = r0; r < r1; r++) {
                if (r > r0) {
                    for (int d = outerRank - 1; d >= 0; d--) {
                        off += stride[d];
                        if (++idx[d] < outShape[d]) break;
                        off -= stride[d] * outShape[d];
                        idx[d] = 0;
                    }
                }
                int out = r * inner;
                if (innerStride == 1) {
                    System.arraycopy(src, off, dst, out, inner);
                } else if (src instanceof float[] fs) {
                    float[] fd = (float[]) dst;
                    for (int i = 0; i < inner; i++) fd[out + i] = fs[off + i * innerStride];
                } else {
                    int[] is = (int[]) src, id = (int[]) dst;
                    for (int i = 0; i < inner; i++) id[out + i] = is[off + i * innerStride];
                }
            }
        });
    }
}
