// gemm.cu: the gemm family of the CUDA backend (rrcm.backend.cuda.CudaGemm; the CPU's twin is
// rrcm.backend.cpu.CpuGemm), the contract of
// rrcm.backend.Gemm: for each b < batch, C_b = alpha * op(A_b) op(B_b) + beta * C_b, op(A_b) (m, k),
// op(B_b) (k, n), all row-major; a transposed operand is stored as its transpose (A_b (k, m) when
// transposed); batch strides in elements, 0 to share one matrix; beta is 0 (C is not read, NaN in it
// included) or 1. Every shape is handled: tiles that stick out of the matrices are zero-filled on
// load and masked on store.
//
// Kernels, one per (transA, transB) as suffix nn, nt, tn, tt, all taking (GemmShape, A, B, C):
//   gemm_tf32_xy: tensor cores through WMMA m16n16k8, TF32 inputs, float accumulation. Block of 128
//       threads (4 warps) computes a 64 x 64 tile of C; grid (ceil(n / 64), ceil(m / 64), g), blocks
//       loop over the batch in steps of g. Per 32-deep slice of K, the threads copy the A and B tiles
//       into shared memory, rounding to TF32 once (cvt.rna), in the layout that their coalesced global
//       reads can write without bank conflicts: (m, k) rows for A and (k, n) rows for B as stored, the
//       transposed layouts for transposed operands, read back through col_major fragments. Rows are
//       padded by 4 floats, which keeps every fragment pointer 32-byte aligned and ldm a multiple of
//       4. Each warp owns a 32 x 32 sub-tile (2 x 2 accumulator fragments) and issues 2 x 2 MMAs per
//       8 of K. The accumulators go through shared memory (staging tile) so the stores to C can be
//       masked at the edges and are coalesced.
//       Error: each product of TF32-rounded inputs is exact in float; the rounding of both inputs
//       (relative 2^-11 each) bounds the error of C by about 2^-10 * sum_k |a_ik| |b_kj|, plus float
//       accumulation; the tests check against that bound.
//   gemm_f32_xy: plain FFMA in float, for exact-fp32 use and checks. Block of 256 threads computes a
//       64 x 64 tile, each thread a 4 x 4 grid of C (rows ty + 16 i, columns tx + 16 j: neighbouring
//       threads read neighbouring B values, and the 16 threads of one ty read one A value, a
//       broadcast); A and B slices of 16 in K through shared memory stored (k, m) and (k, n), padded by
//       one word against store conflicts. Each C element is a chain of fmaf over k in increasing order.
#include <mma.h>
#include "common.cuh"

struct GemmShape {
    int m, n, k, batch;
    int stride_a, stride_b, stride_c;
    float alpha, beta;
};

template <bool Transposed>
struct FragmentLayout {
    typedef nvcuda::wmma::row_major type;
};

template <>
struct FragmentLayout<true> {
    typedef nvcuda::wmma::col_major type;
};

namespace tc {
const int BM = 64, BN = 64, BK = 32, PAD = 4, THREADS = 128;
}

template <bool TA, bool TB>
__device__ __forceinline__ void gemm_tf32_body(const GemmShape& g, const float* A, const float* B, float* C) {
    using namespace nvcuda;
    using namespace tc;
    const int A_LD = (TA ? BM : BK) + PAD, A_SIZE = (TA ? BK : BM) * A_LD;
    const int B_LD = (TB ? BK : BN) + PAD, B_SIZE = (TB ? BN : BK) * B_LD;
    const int C_LD = BN + PAD;
    __shared__ __align__(128) float As[A_SIZE];
    __shared__ __align__(128) float Bs[B_SIZE];
    __shared__ __align__(128) float Cs[BM * C_LD];
    typedef typename FragmentLayout<TA>::type LayoutA;
    typedef typename FragmentLayout<TB>::type LayoutB;

    const int tid = threadIdx.x, warp = tid >> 5, wm = warp >> 1, wn = warp & 1;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    for (int bz = blockIdx.z; bz < g.batch; bz += gridDim.z) {
        const float* a = A + static_cast<long long>(bz) * g.stride_a;
        const float* b = B + static_cast<long long>(bz) * g.stride_b;
        float* c = C + static_cast<long long>(bz) * g.stride_c;
        wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
#pragma unroll
        for (int i = 0; i < 2; i++) {
#pragma unroll
            for (int j = 0; j < 2; j++) wmma::fill_fragment(acc[i][j], 0.0f);
        }
        for (int k0 = 0; k0 < g.k; k0 += BK) {
            for (int e = tid; e < BM * BK; e += THREADS) {
                int r = TA ? e % BM : e / BK, kk = TA ? e / BM : e % BK;
                int gm = m0 + r, gk = k0 + kk;
                float v = 0.0f;
                if (gm < g.m && gk < g.k) v = TA ? a[static_cast<long long>(gk) * g.m + gm] : a[static_cast<long long>(gm) * g.k + gk];
                As[TA ? kk * A_LD + r : r * A_LD + kk] = wmma::__float_to_tf32(v);
            }
            for (int e = tid; e < BK * BN; e += THREADS) {
                int kk = TB ? e % BK : e / BN, cc = TB ? e / BK : e % BN;
                int gk = k0 + kk, gn = n0 + cc;
                float v = 0.0f;
                if (gk < g.k && gn < g.n) v = TB ? b[static_cast<long long>(gn) * g.k + gk] : b[static_cast<long long>(gk) * g.n + gn];
                Bs[TB ? cc * B_LD + kk : kk * B_LD + cc] = wmma::__float_to_tf32(v);
            }
            __syncthreads();
#pragma unroll
            for (int kk = 0; kk < BK; kk += 8) {
                wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, LayoutA> fa[2];
                wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, LayoutB> fb[2];
#pragma unroll
                for (int i = 0; i < 2; i++) {
                    int r = wm * 32 + i * 16;
                    wmma::load_matrix_sync(fa[i], TA ? &As[kk * A_LD + r] : &As[r * A_LD + kk], A_LD);
                }
#pragma unroll
                for (int j = 0; j < 2; j++) {
                    int cc = wn * 32 + j * 16;
                    wmma::load_matrix_sync(fb[j], TB ? &Bs[cc * B_LD + kk] : &Bs[kk * B_LD + cc], B_LD);
                }
#pragma unroll
                for (int i = 0; i < 2; i++) {
#pragma unroll
                    for (int j = 0; j < 2; j++) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
                }
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < 2; i++) {
#pragma unroll
            for (int j = 0; j < 2; j++) {
                wmma::store_matrix_sync(&Cs[(wm * 32 + i * 16) * C_LD + wn * 32 + j * 16], acc[i][j], C_LD, wmma::mem_row_major);
            }
        }
        __syncthreads();
        for (int e = tid; e < BM * BN; e += THREADS) {
            int r = e / BN, cc = e % BN, gm = m0 + r, gn = n0 + cc;
            if (gm < g.m && gn < g.n) {
                long long at = static_cast<long long>(gm) * g.n + gn;
                float v = g.alpha * Cs[r * C_LD + cc];
                c[at] = g.beta != 0.0f ? v + c[at] : v;
            }
        }
        __syncthreads();
    }
}

extern "C" __global__ void __launch_bounds__(128) gemm_tf32_nn(GemmShape g, const float* A, const float* B, float* C) {
    gemm_tf32_body<false, false>(g, A, B, C);
}

extern "C" __global__ void __launch_bounds__(128) gemm_tf32_nt(GemmShape g, const float* A, const float* B, float* C) {
    gemm_tf32_body<false, true>(g, A, B, C);
}

extern "C" __global__ void __launch_bounds__(128) gemm_tf32_tn(GemmShape g, const float* A, const float* B, float* C) {
    gemm_tf32_body<true, false>(g, A, B, C);
}

extern "C" __global__ void __launch_bounds__(128) gemm_tf32_tt(GemmShape g, const float* A, const float* B, float* C) {
    gemm_tf32_body<true, true>(g, A, B, C);
}

namespace fp32 {
const int BM = 64, BN = 64, BK = 16, THREADS = 256;
}

template <bool TA, bool TB>
__device__ __forceinline__ void gemm_f32_body(const GemmShape& g, const float* A, const float* B, float* C) {
    using namespace fp32;
    __shared__ float As[BK][BM + 1];
    __shared__ float Bs[BK][BN + 1];
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    for (int bz = blockIdx.z; bz < g.batch; bz += gridDim.z) {
        const float* a = A + static_cast<long long>(bz) * g.stride_a;
        const float* b = B + static_cast<long long>(bz) * g.stride_b;
        float* c = C + static_cast<long long>(bz) * g.stride_c;
        float acc[4][4];
#pragma unroll
        for (int i = 0; i < 4; i++) {
#pragma unroll
            for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;
        }
        for (int k0 = 0; k0 < g.k; k0 += BK) {
            for (int e = tid; e < BM * BK; e += THREADS) {
                int r = TA ? e % BM : e / BK, kk = TA ? e / BM : e % BK;
                int gm = m0 + r, gk = k0 + kk;
                float v = 0.0f;
                if (gm < g.m && gk < g.k) v = TA ? a[static_cast<long long>(gk) * g.m + gm] : a[static_cast<long long>(gm) * g.k + gk];
                As[kk][r] = v;
            }
            for (int e = tid; e < BK * BN; e += THREADS) {
                int kk = TB ? e % BK : e / BN, cc = TB ? e / BK : e % BN;
                int gk = k0 + kk, gn = n0 + cc;
                float v = 0.0f;
                if (gk < g.k && gn < g.n) v = TB ? b[static_cast<long long>(gn) * g.k + gk] : b[static_cast<long long>(gk) * g.n + gn];
                Bs[kk][cc] = v;
            }
            __syncthreads();
#pragma unroll
            for (int kk = 0; kk < BK; kk++) {
                float av[4], bv[4];
#pragma unroll
                for (int i = 0; i < 4; i++) av[i] = As[kk][ty + 16 * i];
#pragma unroll
                for (int j = 0; j < 4; j++) bv[j] = Bs[kk][tx + 16 * j];
#pragma unroll
                for (int i = 0; i < 4; i++) {
#pragma unroll
                    for (int j = 0; j < 4; j++) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
                }
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < 4; i++) {
#pragma unroll
            for (int j = 0; j < 4; j++) {
                int gm = m0 + ty + 16 * i, gn = n0 + tx + 16 * j;
                if (gm < g.m && gn < g.n) {
                    long long at = static_cast<long long>(gm) * g.n + gn;
                    float v = g.alpha * acc[i][j];
                    c[at] = g.beta != 0.0f ? v + c[at] : v;
                }
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(256) gemm_f32_nn(GemmShape g, const float* A, const float* B, float* C) {
    gemm_f32_body<false, false>(g, A, B, C);
}

extern "C" __global__ void __launch_bounds__(256) gemm_f32_nt(GemmShape g, const float* A, const float* B, float* C) {
    gemm_f32_body<false, true>(g, A, B, C);
}

extern "C" __global__ void __launch_bounds__(256) gemm_f32_tn(GemmShape g, const float* A, const float* B, float* C) {
    gemm_f32_body<true, false>(g, A, B, C);
}

extern "C" __global__ void __launch_bounds__(256) gemm_f32_tt(GemmShape g, const float* A, const float* B, float* C) {
    gemm_f32_body<true, true>(g, A, B, C);
}
