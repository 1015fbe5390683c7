// norm.cu: the norm family of the CUDA backend (rrcm.backend.cuda.CudaNorm; the CPU's twin is
// rrcm.backend.cpu.CpuNorm): softmax, layer normalization and batch normalization.
//
// Row kernels (softmax, layer norm): one block per row, grid-stride over rows, blockDim.x a multiple of
// 32 up to 1024 (the host picks 32 to 256 from the row length); statistics by block_reduce of
// common.cuh, so fixed trees and no dependence on the schedule. Rows of any length: each thread folds
// a strided run, and the row stays in L1/L2 between the passes.
//   softmax_rows(x, y, rows, cols, log)
//       m = max (NaN wins, so a NaN row is NaN throughout, as on the CPU); s = sum exp(x - m);
//       softmax: y = exp(x - m) * (1 / s); log-softmax: y = x - (m + log s). A row of -inf alone gives
//       NaN, as on the CPU and in libtorch.
//   softmax_backward(y, gy, gx, rows, cols, log)
//       softmax: gx = y (gy - sum(gy y)); log-softmax: gx = gy - exp(y) sum(gy). gx may be gy: every
//       thread reads an element before writing it, after the row's sums.
//   layer_norm(x, w, b, eps, y, mean, rstd, rows, cols)
//       mean = sum(x) / cols; var = sum((x - mean)^2) / cols (two passes, as the CPU backend);
//       rstd = 1 / sqrt(var + eps); y = (x - mean) rstd w + b (w, b may be null)
//   layer_norm_backward(x, w, mean, rstd, gy, gx, gy_xhat, rows, cols)
//       g = gy w, xhat = (x - mean) rstd: gx = rstd (g - mean(g) - xhat mean(g xhat)); gy_xhat, when
//       not null, gets gy * xhat, which the host then sums over the rows with the reduction kernels
//       (fixed order) for the weight gradient; the bias gradient is the same sum of gy.
// Column kernels (batch norm over x (n, c)): one thread per channel walks the n rows in order, the CPU
// backend's loop, with every product and sum un-fused (__fmul_rn, __fadd_rn): the same bits. Adjacent
// threads read adjacent channels, so the walks are coalesced.
//   batch_norm_train(x, w, b, eps, momentum, run_mean, run_var, y, mean, invstd, n, c)
//       biased variance for y, unbiased (n - 1) for the running variance; run_mean may be null. Blocks of
//       (32, 8): 32 channels, 8 thread rows over the parts of the rows (see BN_PARTS below)
//   batch_norm_eval(x, w, b, eps, run_mean, run_var, y, n, c)   one thread per element
//   batch_norm_backward(x, w, mean, invstd, gy, gx, gw, gb, n, c)   the same blocks and parts
// expf and logf are CUDA's (a few ulp from the CPU backend's); the tests allow for that.
#include "common.cuh"

#define ROWS_LOOP(r, rows) for (int r = blockIdx.x; r < (rows); r += gridDim.x)

extern "C" __global__ void softmax_rows(const float* x, float* y, int rows, int cols, int log) {
    __shared__ float scratch[32];
    ROWS_LOOP(r, rows) {
        const float* xr = x + static_cast<long long>(r) * cols;
        float* yr = y + static_cast<long long>(r) * cols;
        float m = -INFINITY;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) m = jmax(m, xr[c]);
        m = block_reduce(R_MAX, m, scratch);
        float s = 0.0f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += expf(xr[c] - m);
        s = block_reduce(R_SUM, s, scratch);
        if (log) {
            float shift = m + logf(s);
            for (int c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = xr[c] - shift;
        } else {
            float inv = 1.0f / s;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = expf(xr[c] - m) * inv;
        }
    }
}

extern "C" __global__ void softmax_backward(const float* y, const float* gy, float* gx, int rows, int cols, int log) {
    __shared__ float scratch[32];
    ROWS_LOOP(r, rows) {
        long long off = static_cast<long long>(r) * cols;
        float dot = 0.0f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) dot += log ? gy[off + c] : gy[off + c] * y[off + c];
        dot = block_reduce(R_SUM, dot, scratch);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float g = gy[off + c], v = y[off + c];
            gx[off + c] = log ? g - expf(v) * dot : v * (g - dot);
        }
    }
}

extern "C" __global__ void layer_norm(const float* x, const float* w, const float* b, float eps, float* y, float* mean, float* rstd, int rows, int cols) {
    __shared__ float scratch[32];
    ROWS_LOOP(r, rows) {
        const float* xr = x + static_cast<long long>(r) * cols;
        float* yr = y + static_cast<long long>(r) * cols;
        float s = 0.0f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += xr[c];
        float mu = block_reduce(R_SUM, s, scratch) / cols;
        float ss = 0.0f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float d = xr[c] - mu;
            ss = fmaf(d, d, ss);
        }
        float var = block_reduce(R_SUM, ss, scratch) / cols;
        float rs = 1.0f / sqrtf(var + eps);
        if (threadIdx.x == 0) {
            mean[r] = mu;
            rstd[r] = rs;
        }
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float v = (xr[c] - mu) * rs;
            if (w != nullptr) v *= w[c];
            if (b != nullptr) v += b[c];
            yr[c] = v;
        }
    }
}

extern "C" __global__ void layer_norm_backward(const float* x, const float* w, const float* mean, const float* rstd, const float* gy, float* gx, float* gy_xhat, int rows, int cols) {
    __shared__ float scratch[32];
    ROWS_LOOP(r, rows) {
        long long off = static_cast<long long>(r) * cols;
        float mu = mean[r], rs = rstd[r];
        float sg = 0.0f, sgx = 0.0f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float dy = gy[off + c];
            float xh = (x[off + c] - mu) * rs;
            float g = w != nullptr ? dy * w[c] : dy;
            sg += g;
            sgx = fmaf(g, xh, sgx);
            if (gy_xhat != nullptr) gy_xhat[off + c] = dy * xh;
        }
        float mg = block_reduce(R_SUM, sg, scratch) / cols;
        float mgx = block_reduce(R_SUM, sgx, scratch) / cols;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float dy = gy[off + c];
            float xh = (x[off + c] - mu) * rs;
            float g = w != nullptr ? dy * w[c] : dy;
            gx[off + c] = (g - mg - xh * mgx) * rs;
        }
    }
}

// Batch statistics are sums over the rows of a channel in a fixed blocked order, which the CPU backend
// keeps too (CpuNorm.partRows): the rows are cut into at most BN_PARTS parts of R = ceil(n / parts) rows,
// each part summed in row order, the part sums added in part order. A block owns 32 channels (x) and its
// 8 thread rows (y) take the parts in turn, so the work spreads over rows as well as channels.
#define BN_PARTS 64

__device__ __forceinline__ int bn_part_rows(int n) {
    int parts = n < BN_PARTS ? n : BN_PARTS;
    return parts <= 0 ? 1 : (n + parts - 1) / parts;
}

extern "C" __global__ void batch_norm_train(const float* x, const float* w, const float* b, float eps, float momentum, float* run_mean, float* run_var, float* y, float* mean, float* invstd, int n, int c) {
    __shared__ float part[BN_PARTS][33];
    __shared__ float stat[2][32];
    int tx = threadIdx.x, ty = threadIdx.y;
    int rows_per = bn_part_rows(n), parts = (n + rows_per - 1) / rows_per;
    for (int j0 = blockIdx.x * 32; j0 < c; j0 += gridDim.x * 32) {
        int j = j0 + tx;
        bool in = j < c;
        for (int p = ty; p < parts; p += blockDim.y) {
            float s = 0.0f;
            int end = min(n, (p + 1) * rows_per);
            if (in) for (int i = p * rows_per; i < end; i++) s = __fadd_rn(s, x[static_cast<long long>(i) * c + j]);
            part[p][tx] = s;
        }
        __syncthreads();
        if (ty == 0) {
            float s = 0.0f;
            for (int p = 0; p < parts; p++) s = __fadd_rn(s, part[p][tx]);
            stat[0][tx] = s / static_cast<float>(n);
        }
        __syncthreads();
        float mu = stat[0][tx];
        for (int p = ty; p < parts; p += blockDim.y) {
            float ss = 0.0f;
            int end = min(n, (p + 1) * rows_per);
            if (in) {
                for (int i = p * rows_per; i < end; i++) {
                    float d = __fadd_rn(x[static_cast<long long>(i) * c + j], -mu);
                    ss = __fadd_rn(ss, __fmul_rn(d, d));
                }
            }
            part[p][tx] = ss;
        }
        __syncthreads();
        if (ty == 0) {
            float ss = 0.0f;
            for (int p = 0; p < parts; p++) ss = __fadd_rn(ss, part[p][tx]);
            float var = ss / static_cast<float>(n);
            float is = 1.0f / sqrtf(__fadd_rn(var, eps));
            stat[1][tx] = is;
            if (in) {
                mean[j] = mu;
                invstd[j] = is;
                if (run_mean != nullptr) {
                    float unbiased = n > 1 ? ss / static_cast<float>(n - 1) : var;
                    float keep = __fadd_rn(1.0f, -momentum);
                    run_mean[j] = __fadd_rn(__fmul_rn(keep, run_mean[j]), __fmul_rn(momentum, mu));
                    run_var[j] = __fadd_rn(__fmul_rn(keep, run_var[j]), __fmul_rn(momentum, unbiased));
                }
            }
        }
        __syncthreads();
        if (in) {
            float is = stat[1][tx];
            float scale = w != nullptr ? __fmul_rn(w[j], is) : is;
            float shift = b != nullptr ? b[j] : 0.0f;
            for (int i = ty; i < n; i += blockDim.y) {
                long long at = static_cast<long long>(i) * c + j;
                y[at] = __fadd_rn(__fmul_rn(__fadd_rn(x[at], -mu), scale), shift);
            }
        }
        __syncthreads(); // part and stat are the next tile's
    }
}

extern "C" __global__ void batch_norm_eval(const float* x, const float* w, const float* b, float eps, const float* run_mean, const float* run_var, float* y, int n, int c) {
    long long total = static_cast<long long>(n) * c;
    for (long long e = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; e < total;
         e += static_cast<long long>(gridDim.x) * blockDim.x) {
        int j = static_cast<int>(e % c);
        float is = 1.0f / sqrtf(__fadd_rn(run_var[j], eps));
        float scale = w != nullptr ? __fmul_rn(w[j], is) : is;
        float shift = __fadd_rn(b != nullptr ? b[j] : 0.0f, -__fmul_rn(run_mean[j], scale));
        y[e] = fmaf(x[e], scale, shift);
    }
}

extern "C" __global__ void batch_norm_backward(const float* x, const float* w, const float* mean, const float* invstd, const float* gy, float* gx, float* gw, float* gb, int n, int c) {
    __shared__ float part_g[BN_PARTS][33];
    __shared__ float part_gx[BN_PARTS][33];
    __shared__ float stat[2][32];
    int tx = threadIdx.x, ty = threadIdx.y;
    int rows_per = bn_part_rows(n), parts = (n + rows_per - 1) / rows_per;
    for (int j0 = blockIdx.x * 32; j0 < c; j0 += gridDim.x * 32) {
        int j = j0 + tx;
        bool in = j < c;
        float mu = in ? mean[j] : 0.0f, is = in ? invstd[j] : 0.0f;
        for (int p = ty; p < parts; p += blockDim.y) {
            float sg = 0.0f, sgx = 0.0f;
            int end = min(n, (p + 1) * rows_per);
            if (in) {
                for (int i = p * rows_per; i < end; i++) {
                    long long at = static_cast<long long>(i) * c + j;
                    float g = gy[at];
                    sg = __fadd_rn(sg, g);
                    sgx = __fadd_rn(sgx, __fmul_rn(__fmul_rn(g, __fadd_rn(x[at], -mu)), is));
                }
            }
            part_g[p][tx] = sg;
            part_gx[p][tx] = sgx;
        }
        __syncthreads();
        if (ty == 0) {
            float sg = 0.0f, sgx = 0.0f;
            for (int p = 0; p < parts; p++) {
                sg = __fadd_rn(sg, part_g[p][tx]);
                sgx = __fadd_rn(sgx, part_gx[p][tx]);
            }
            stat[0][tx] = sg;
            stat[1][tx] = sgx;
            if (in && gw != nullptr) gw[j] = sgx;
            if (in && gb != nullptr) gb[j] = sg;
        }
        __syncthreads();
        if (in) {
            float sg = stat[0][tx], sgx = stat[1][tx];
            float k = __fmul_rn(w != nullptr ? w[j] : 1.0f, is) / static_cast<float>(n);
            float nf = static_cast<float>(n);
            for (int i = ty; i < n; i += blockDim.y) {
                long long at = static_cast<long long>(i) * c + j;
                float xh = __fmul_rn(__fadd_rn(x[at], -mu), is);
                float inner = __fadd_rn(__fadd_rn(__fmul_rn(nf, gy[at]), -sg), -__fmul_rn(xh, sgx));
                gx[at] = __fmul_rn(k, inner);
            }
        }
        __syncthreads();
    }
}
