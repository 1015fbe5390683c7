// emu_features.cu: kernels that exercise each feature of the emulator for its own tests
// (EmulatorFeaturesTest): indices of 3-D grids and blocks, warp shuffles and votes, atomics, dynamic
// shared memory, WMMA with TF32, and the misuses it must refuse (divergent barriers, partial masks,
// misaligned vector loads). Test-only: not in the PTX set.
#include <mma.h>

// out[6 * t + ...] = threadIdx.xyz, blockIdx.xyz, for the global linear thread t.
extern "C" __global__ void emu_indices(int* out) {
    int block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    int thread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    int t = block * (blockDim.x * blockDim.y * blockDim.z) + thread;
    out[6 * t + 0] = threadIdx.x;
    out[6 * t + 1] = threadIdx.y;
    out[6 * t + 2] = threadIdx.z;
    out[6 * t + 3] = blockIdx.x;
    out[6 * t + 4] = blockIdx.y;
    out[6 * t + 5] = blockIdx.z;
}

// For each thread t (lane l) of one-dimensional blocks: fout[4t..] = shfl_xor(v, 5), shfl_down(v, 3),
// shfl_up(v, 2), shfl(v, 7) with v = in[t]; iout[4t..] = ballot(v > 0), any(v > 100), all(v > -100),
// shfl_xor of the int t with 16 and width 16.
extern "C" __global__ void emu_warp_ops(const float* in, float* fout, int* iout) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    float v = in[t];
    fout[4 * t + 0] = __shfl_xor_sync(0xffffffff, v, 5);
    fout[4 * t + 1] = __shfl_down_sync(0xffffffff, v, 3);
    fout[4 * t + 2] = __shfl_up_sync(0xffffffff, v, 2);
    fout[4 * t + 3] = __shfl_sync(0xffffffff, v, 7);
    iout[4 * t + 0] = (int)__ballot_sync(0xffffffff, v > 0.0f);
    iout[4 * t + 1] = __any_sync(0xffffffff, v > 100.0f);
    iout[4 * t + 2] = __all_sync(0xffffffff, v > -100.0f);
    iout[4 * t + 3] = __shfl_xor_sync(0xffffffff, t, 9, 16);
}

// fsum[0] += in[i]; isum[0] += i; imax[0] = max i; imin[0] = min i; claimed[0]: how many threads won a
// compare-and-swap race on slot[i % 4] (exactly four).
extern "C" __global__ void emu_atomics(const float* in, int n, float* fsum, int* isum, int* imax, int* imin,
                                       int* slot, int* claimed) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    atomicAdd(fsum, in[i]);
    atomicAdd(isum, i);
    atomicMax(imax, i);
    atomicMin(imin, i);
    if (atomicCAS(&slot[i % 4], 0, i + 1) == 0) atomicAdd(claimed, 1);
}

// out = in reversed within each block, through dynamic shared memory of blockDim.x floats.
extern "C" __global__ void emu_dynamic_reverse(const float* in, float* out) {
    extern __shared__ __align__(16) float buffer[];
    int i = threadIdx.x, n = blockDim.x, base = blockIdx.x * n;
    buffer[i] = in[base + i];
    __syncthreads();
    out[base + i] = buffer[n - 1 - i];
}

// One warp: c (16 x 16, row-major) = a (16 x 8) * b (8 x 16). a is row-major (16 x 8) and b is stored
// column-major (16 rows of 8: b[n * 8 + k]) so both layouts are used. round = 1 converts the inputs
// with __float_to_tf32 first, round = 0 leaves the truncation to mma_sync.
extern "C" __global__ void emu_wmma_tf32(const float* a, const float* b, float* c, int round) {
    using namespace nvcuda;
    wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa;
    wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::col_major> fb;
    wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc;
    wmma::fill_fragment(acc, 0.0f);
    wmma::load_matrix_sync(fa, a, 8);
    wmma::load_matrix_sync(fb, b, 8);
    if (round) {
        for (int i = 0; i < fa.num_elements; i++) fa.x[i] = wmma::__float_to_tf32(fa.x[i]);
        for (int i = 0; i < fb.num_elements; i++) fb.x[i] = wmma::__float_to_tf32(fb.x[i]);
    }
    wmma::mma_sync(acc, fa, fb, acc);
    wmma::store_matrix_sync(c, acc, 16, wmma::mem_row_major);
}

// Misuses the emulator must refuse with a message.
extern "C" __global__ void emu_divergent_barrier(float* out) {
    if (threadIdx.x < 16) {
        __syncthreads();
    } else {
        __syncthreads();
    }
    out[threadIdx.x] = 1.0f;
}

extern "C" __global__ void emu_partial_mask(float* out) {
    out[threadIdx.x] = __shfl_xor_sync(0x0000ffff, (float)threadIdx.x, 1);
}

extern "C" __global__ void emu_early_exit_barrier(float* out) {
    if (threadIdx.x == 3) return;
    __syncthreads();
    out[threadIdx.x] = 1.0f;
}

extern "C" __global__ void emu_misaligned_float4(const float* in, float* out) {
    const float4* p = reinterpret_cast<const float4*>(in + 1);
    float4 v = p[threadIdx.x];
    out[threadIdx.x] = v.x;
}
