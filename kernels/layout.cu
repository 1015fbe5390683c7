// layout.cu: the layout family of the CUDA backend (rrcm.backend.cuda.CudaLayout; the CPU's twin is
// rrcm.backend.cpu.CpuLayout): permutations
// and runs of rows. They move 32-bit words, so float32 and int32 tensors share them.
//
// Kernels:
//   permute_runs(src, dst, d, n)
//       dst (contiguous, n words) = src permuted, for permutations that keep src's innermost axis
//       innermost: d.size are dst's merged axes, outermost first, d.stride_a their strides in src
//       (d.stride_b unused). One thread per element, grid-stride; neighbouring threads read and
//       write neighbouring words, so both sides are coalesced.
//   permute_tiled(src, dst, d)
//       permutations that move src's innermost axis (transposes): the axis I (size d.cols, stride 1
//       in src, stride d.col_stride in dst) and the axis J that is innermost in dst (size d.rows,
//       stride d.row_stride in src, 1 in dst). Block (32, 8) moves a 32 x 32 tile of (J, I): it reads
//       rows of the tile along I (coalesced), then writes its columns along J (coalesced), through
//       shared memory [32][33]: the pad puts the 32 words of a tile column in 32 different banks.
//       Grid (ceil(cols / 32), gy, gz); blocks loop over the tiles of J in steps of gy and over the
//       other axes (the batch, up to RRCM_MAX_DIMS - 2 of them, with their strides in src and dst) in
//       steps of gz.
//   copy_rows(src, src_offset, src_stride, dst, dst_offset, dst_stride, rows, length, mode)
//       run r of `length` words: dst[dst_offset + r * dst_stride + i] (=, or += as float for mode 1,
//       += as int for mode 2) src[src_offset + r * src_stride + i]. Block 256 threads along the run,
//       grid (x, y): x along the run, y over runs, both grid-stride.
#include "common.cuh"

struct TiledPermutation {
    int rows;       // size of J, dst's innermost axis
    int cols;       // size of I, src's innermost axis
    int row_stride; // src stride of J
    int col_stride; // dst stride of I
    int batch_rank;
    int batch_size[RRCM_MAX_DIMS - 2];
    int batch_src[RRCM_MAX_DIMS - 2];
    int batch_dst[RRCM_MAX_DIMS - 2];
};

extern "C" __global__ void permute_runs(const unsigned* src, unsigned* dst, Broadcast d, int n) {
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<long long>(gridDim.x) * blockDim.x) {
        int e = static_cast<int>(i), offset = 0;
#pragma unroll
        for (int k = RRCM_MAX_DIMS - 1; k >= 0; k--) {
            if (k < d.rank) {
                int q = e / d.size[k];
                offset += (e - q * d.size[k]) * d.stride_a[k];
                e = q;
            }
        }
        dst[i] = src[offset];
    }
}

extern "C" __global__ void permute_tiled(const unsigned* src, unsigned* dst, TiledPermutation d) {
    __shared__ unsigned tile[32][33];
    int batches = 1;
#pragma unroll
    for (int k = 0; k < RRCM_MAX_DIMS - 2; k++) {
        if (k < d.batch_rank) batches *= d.batch_size[k];
    }
    int i0 = blockIdx.x * 32;
    for (int b = blockIdx.z; b < batches; b += gridDim.z) {
        long long so = 0, dof = 0;
        int rest = b;
#pragma unroll
        for (int k = RRCM_MAX_DIMS - 3; k >= 0; k--) {
            if (k < d.batch_rank) {
                int q = rest / d.batch_size[k], r = rest - q * d.batch_size[k];
                so += static_cast<long long>(r) * d.batch_src[k];
                dof += static_cast<long long>(r) * d.batch_dst[k];
                rest = q;
            }
        }
        for (int j0 = blockIdx.y * 32; j0 < d.rows; j0 += gridDim.y * 32) {
            for (int k = threadIdx.y; k < 32; k += 8) {
                int j = j0 + k, i = i0 + threadIdx.x;
                if (i < d.cols && j < d.rows) tile[k][threadIdx.x] = src[so + static_cast<long long>(j) * d.row_stride + i];
            }
            __syncthreads();
            for (int k = threadIdx.y; k < 32; k += 8) {
                int i = i0 + k, j = j0 + threadIdx.x;
                if (i < d.cols && j < d.rows) dst[dof + static_cast<long long>(i) * d.col_stride + j] = tile[threadIdx.x][k];
            }
            __syncthreads();
        }
    }
}

extern "C" __global__ void copy_rows(const unsigned* src, int src_offset, int src_stride, unsigned* dst, int dst_offset,
                                     int dst_stride, int rows, int length, int mode) {
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        const unsigned* s = src + src_offset + static_cast<long long>(r) * src_stride;
        unsigned* t = dst + dst_offset + static_cast<long long>(r) * dst_stride;
        for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < length; i += gridDim.x * blockDim.x) {
            if (mode == 0) t[i] = s[i];
            else if (mode == 1) t[i] = __float_as_uint(__uint_as_float(t[i]) + __uint_as_float(s[i]));
            else t[i] = t[i] + s[i];
        }
    }
}
