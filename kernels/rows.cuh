// rows.cuh: a warp working on one row of length dim, lane l holding elements l, l + 32, ... (PER_LANE of
// them) in registers; used by the fused InfoNCE kernels (losses.cu), where a block of warps shares tiles
// of the other operand's rows in shared memory.
#pragma once

// The sum over the warp, the same in every lane (xor butterfly: a fixed order).
__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// This lane's elements of a row into registers; zeros beyond dim.
template <int PER_LANE>
__device__ __forceinline__ void lanes_load(const float* row, int dim, float* reg) {
#pragma unroll
    for (int t = 0; t < PER_LANE; t++) {
        int c = threadIdx.x + 32 * t;
        reg[t] = c < dim ? row[c] : 0.0f;
    }
}

// The lane-held registers back into a row (elements below dim).
template <int PER_LANE>
__device__ __forceinline__ void lanes_store(const float* reg, int dim, float* row) {
#pragma unroll
    for (int t = 0; t < PER_LANE; t++) {
        int c = threadIdx.x + 32 * t;
        if (c < dim) row[c] = reg[t];
    }
}

// The dot product of the lane-held row with a row in shared memory, summed over the warp.
template <int PER_LANE>
__device__ __forceinline__ float lanes_dot(const float* reg, const float* row, int dim) {
    float s = 0.0f;
#pragma unroll
    for (int t = 0; t < PER_LANE; t++) {
        int c = threadIdx.x + 32 * t;
        if (c < dim) s = fmaf(reg[t], row[c], s);
    }
    return warp_sum(s);
}

// acc += a * row (a shared-memory row), lane by lane.
template <int PER_LANE>
__device__ __forceinline__ void lanes_axpy(float a, const float* row, int dim, float* acc) {
#pragma unroll
    for (int t = 0; t < PER_LANE; t++) {
        int c = threadIdx.x + 32 * t;
        if (c < dim) acc[t] = fmaf(a, row[c], acc[t]);
    }
}

// Rows [r0, r0 + n) of a (rows, dim) matrix starting at element base into a shared tile, by the whole block.
__device__ __forceinline__ void stage_rows(const float* a, long long base, int r0, int n, int dim, float* tile) {
    int tid = threadIdx.y * 32 + threadIdx.x, threads = 32 * blockDim.y;
    const float* src = a + base + static_cast<long long>(r0) * dim;
    for (int e = tid; e < n * dim; e += threads) tile[e] = src[e];
}
