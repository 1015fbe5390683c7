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
//       biased variance for y, unbiased (n - 1) for the running variance; run_mean may be null
//   batch_norm_eval(x, w, b, eps, run_mean, run_var, y, n, c)   one thread per element
//   batch_norm_backward(x, w, mean, invstd, gy, gx, gw, gb, n, c)
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

extern "C" __global__ void batch_norm_train(const float* x, const float* w, const float* b, float eps, float momentum, float* run_mean, float* run_var, float* y, float* mean, float* invstd, int n, int c) {
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < c; j += gridDim.x * blockDim.x) {
        float s = 0.0f;
        for (int i = 0; i < n; i++) s = __fadd_rn(s, x[static_cast<long long>(i) * c + j]);
        float mu = s / static_cast<float>(n);
        float ss = 0.0f;
        for (int i = 0; i < n; i++) {
            float d = __fadd_rn(x[static_cast<long long>(i) * c + j], -mu);
            ss = __fadd_rn(ss, __fmul_rn(d, d));
        }
        float var = ss / static_cast<float>(n);
        float is = 1.0f / sqrtf(__fadd_rn(var, eps));
        mean[j] = mu;
        invstd[j] = is;
        float scale = w != nullptr ? __fmul_rn(w[j], is) : is;
        float shift = b != nullptr ? b[j] : 0.0f;
        for (int i = 0; i < n; i++) {
            long long at = static_cast<long long>(i) * c + j;
            y[at] = __fadd_rn(__fmul_rn(__fadd_rn(x[at], -mu), scale), shift);
        }
        if (run_mean != nullptr) {
            float unbiased = n > 1 ? ss / static_cast<float>(n - 1) : var;
            float keep = __fadd_rn(1.0f, -momentum);
            run_mean[j] = __fadd_rn(__fmul_rn(keep, run_mean[j]), __fmul_rn(momentum, mu));
            run_var[j] = __fadd_rn(__fmul_rn(keep, run_var[j]), __fmul_rn(momentum, unbiased));
        }
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
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < c; j += gridDim.x * blockDim.x) {
        float mu = mean[j], is = invstd[j];
        float sg = 0.0f, sgx = 0.0f;
        for (int i = 0; i < n; i++) {
            long long at = static_cast<long long>(i) * c + j;
            float g = gy[at];
            sg = __fadd_rn(sg, g);
            sgx = __fadd_rn(sgx, __fmul_rn(__fmul_rn(g, __fadd_rn(x[at], -mu)), is));
        }
        if (gw != nullptr) gw[j] = sgx;
        if (gb != nullptr) gb[j] = sg;
        float k = __fmul_rn(w != nullptr ? w[j] : 1.0f, is) / static_cast<float>(n);
        float nf = static_cast<float>(n);
        for (int i = 0; i < n; i++) {
            long long at = static_cast<long long>(i) * c + j;
            float xh = __fmul_rn(__fadd_rn(x[at], -mu), is);
            float inner = __fadd_rn(__fadd_rn(__fmul_rn(nf, gy[at]), -sg), -__fmul_rn(xh, sgx));
            gx[at] = __fmul_rn(k, inner);
        }
    }
}
