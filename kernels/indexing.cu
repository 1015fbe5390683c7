// indexing.cu: index ops and argmax of the CUDA backend (rrcm.backend.cuda.CudaIndexing). Layouts
// (outer, axis, inner) as in rrcm.backend.Backend; indices are int32; element copies move 32-bit words,
// so float and int tensors share the kernels.
//
// Kernels. Grid-stride loops over their outputs, 256-thread blocks; 64-bit element counts.
//   index_check(index, n, axis, err)
//       err[0] = the smallest position p with index[p] outside [0, axis), left alone if there is none
//       (atomicMin: the position reported does not depend on the schedule). The host runs it before
//       the ops below and reads err, so that a bad index fails with a message and writes nothing.
//   index_select(src, dst, outer, axis, inner, index, count)
//       dst (outer, count, inner) = src (outer, axis, inner) at positions index (count)
//   index_add(src, dst, outer, axis, inner, index, count)
//       dst (outer, axis, inner) += src (outer, count, inner) at positions index (count). Each thread
//       owns one element of dst and adds the contributions of the matching j in increasing j: the CPU
//       backend's order, so the same bits, and no atomics. O(count) per element.
//   gather(src, dst, outer, axis, inner, index, count)
//       dst (outer, count, inner) = src (outer, axis, inner) at index (outer, count, inner) along axis
//   scatter_add(src, dst, outer, axis, inner, index, count)
//       dst (outer, axis, inner) += src (outer, count, inner) at index (outer, count, inner); one thread
//       per element of dst walks the count positions of its column in order (the CPU's order).
//   argmax(src, dst, outer, axis, inner)
//       dst (outer, inner) = position of the largest value along axis: the first on ties; a NaN wins
//       and ends the search, as in the CPU backend.
#include "common.cuh"

#define GRID_STRIDE(t, total) \
    for (long long t = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; t < (total); \
         t += static_cast<long long>(gridDim.x) * blockDim.x)

extern "C" __global__ void index_check(const int* index, long long n, int axis, int* err) {
    GRID_STRIDE(p, n) {
        int k = index[p];
        if (k < 0 || k >= axis) atomicMin(err, static_cast<int>(p));
    }
}

extern "C" __global__ void index_select(const unsigned int* src, unsigned int* dst, int outer, int axis, int inner, const int* index, int count) {
    long long total = static_cast<long long>(outer) * count * inner;
    GRID_STRIDE(t, total) {
        long long row = t / inner;
        int i = static_cast<int>(t - row * inner);
        int j = static_cast<int>(row % count);
        long long o = row / count;
        dst[t] = src[(o * axis + index[j]) * inner + i];
    }
}

extern "C" __global__ void index_add(const float* src, float* dst, int outer, int axis, int inner, const int* index, int count) {
    long long total = static_cast<long long>(outer) * axis * inner;
    GRID_STRIDE(e, total) {
        long long row = e / inner;
        int i = static_cast<int>(e - row * inner);
        int a = static_cast<int>(row % axis);
        long long o = row / axis;
        float v = dst[e];
        for (int j = 0; j < count; j++) {
            if (index[j] == a) v = __fadd_rn(v, src[(o * count + j) * inner + i]);
        }
        dst[e] = v;
    }
}

extern "C" __global__ void gather(const unsigned int* src, unsigned int* dst, int outer, int axis, int inner, const int* index, int count) {
    long long total = static_cast<long long>(outer) * count * inner;
    GRID_STRIDE(t, total) {
        long long row = t / inner;
        int i = static_cast<int>(t - row * inner);
        long long o = row / count;
        dst[t] = src[(o * axis + index[t]) * inner + i];
    }
}

extern "C" __global__ void scatter_add(const float* src, float* dst, int outer, int axis, int inner, const int* index, int count) {
    long long total = static_cast<long long>(outer) * axis * inner;
    GRID_STRIDE(e, total) {
        long long row = e / inner;
        int i = static_cast<int>(e - row * inner);
        int a = static_cast<int>(row % axis);
        long long o = row / axis;
        float v = dst[e];
        for (int j = 0; j < count; j++) {
            long long at = (o * count + j) * inner + i;
            if (index[at] == a) v = __fadd_rn(v, src[at]);
        }
        dst[e] = v;
    }
}

extern "C" __global__ void argmax(const float* src, int* dst, int outer, int axis, int inner) {
    long long total = static_cast<long long>(outer) * inner;
    GRID_STRIDE(t, total) {
        long long o = t / inner;
        int i = static_cast<int>(t - o * inner);
        const float* p = src + o * axis * static_cast<long long>(inner) + i;
        int best = 0;
        float best_value = p[0];
        for (int j = 1; j < axis && best_value == best_value; j++) {
            float v = p[static_cast<long long>(j) * inner];
            if (v > best_value || v != v) {
                best = j;
                best_value = v;
            }
        }
        dst[t] = best;
    }
}
