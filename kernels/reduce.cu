// reduce.cu: the reduce family of the CUDA backend (rrcm.backend.cuda.CudaReduce; the CPU's twin is
// rrcm.backend.cpu.CpuReduce): reductions over one axis of a contiguous tensor viewed as
// (outer, red, inner), which the host chains pass by pass for several axis groups, and argmax.
//
// Kernels:
//   reduce_rows(op, x, out, rows, n, splits, scale)
//       inner == 1: x is (rows, n). Grid (g, splits), g <= rows (blocks loop over rows), blockDim.x a
//       multiple of 32 up to 1024, y = z = 1. Block (row, s) reduces the s-th of `splits` equal
//       chunks of its row: each thread folds a strided run, then a warp-shuffle butterfly per warp
//       and one more across the warps' results (block_reduce). out[row * splits + s] = result * scale.
//       With splits > 1 the partials are reduced again by a second launch with splits = 1, so a
//       single long row still fills the device.
//   reduce_cols(op, x, out, outer, red, inner, splits, scale)
//       inner > 1: x is (outer, red, inner). Block (32, 8), grid (ceil(inner / 32), g, splits), g <=
//       outer (blocks loop over outer). Thread (tx, ty) folds column i = 32 * blockIdx.x + tx over the
//       rows ty, ty + 8, ... of its chunk: the 32 threads of a warp read 32 neighbouring floats of a
//       row (coalesced). The 8 partials of a column meet in shared memory [8][33] (the pad keeps the
//       column walk free of bank conflicts). out (outer, splits, inner)[o, s, i] = result * scale.
// op is ReduceCode (SUM, MAX, MIN; MEAN is SUM with scale = 1 / count on the last pass). The
// combination order depends only on the shape and the launch configuration, never on timing, so
// results are reproducible run to run. MAX and MIN propagate NaN as Java's do.
//   argmax(src, dst, outer, axis, inner): grid-stride over the outputs, 256-thread blocks
//       dst (outer, inner) = position of the largest value along axis: the first on ties; a NaN wins
//       and ends the search, as in the CPU backend.
#include "common.cuh"

extern "C" __global__ void reduce_rows(int op, const float* x, float* out, int rows, int n, int splits, float scale) {
    __shared__ float scratch[32];
    int chunk = (n + splits - 1) / splits;
    int from = blockIdx.y * chunk, to = min(n, from + chunk);
    for (int row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* p = x + static_cast<long long>(row) * n;
        float acc = reduce_identity(op);
        for (int i = from + threadIdx.x; i < to; i += blockDim.x) acc = reduce_combine(op, acc, p[i]);
        acc = block_reduce(op, acc, scratch);
        if (threadIdx.x == 0) out[static_cast<long long>(row) * splits + blockIdx.y] = acc * scale;
    }
}

extern "C" __global__ void reduce_cols(int op, const float* x, float* out, int outer, int red, int inner, int splits,
                                       float scale) {
    __shared__ float part[8][33];
    int i = blockIdx.x * 32 + threadIdx.x;
    int chunk = (red + splits - 1) / splits;
    int from = blockIdx.z * chunk, to = min(red, from + chunk);
    for (int o = blockIdx.y; o < outer; o += gridDim.y) {
        float acc = reduce_identity(op);
        if (i < inner) {
            const float* p = x + static_cast<long long>(o) * red * inner + i;
            for (int r = from + threadIdx.y; r < to; r += 8) acc = reduce_combine(op, acc, p[static_cast<long long>(r) * inner]);
        }
        part[threadIdx.y][threadIdx.x] = acc;
        __syncthreads();
        if (threadIdx.y == 0 && i < inner) {
            float v = part[0][threadIdx.x];
            for (int k = 1; k < 8; k++) v = reduce_combine(op, v, part[k][threadIdx.x]);
            out[(static_cast<long long>(o) * splits + blockIdx.z) * inner + i] = v * scale;
        }
        __syncthreads();
    }
}

#define GRID_STRIDE(t, total) \
    for (long long t = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; t < (total); \
         t += static_cast<long long>(gridDim.x) * blockDim.x)

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
