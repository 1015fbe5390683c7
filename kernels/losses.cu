// losses.cu: the losses family of the CUDA backend (rrcm.backend.cuda.CudaLosses; the CPU's twin is
// rrcm.backend.cpu.CpuLosses): cross-entropy and InfoNCE.
//
// Cross-entropy, fused with log-softmax.
//
// Kernels. One block per row (grid-stride over rows), blockDim.x a multiple of 32 up to 1024; every
// reduction is a block_reduce of common.cuh (per-thread strided folds, then fixed shuffle trees), so
// results do not depend on the schedule.
//   xent_forward(logits, labels, probs, loss, lse, rows, classes, err)
//       lse[r] = m + log(sum_c exp(x[r, c] - m)), m = max_c x[r, c]; loss[r] = lse[r] - x[r, labels[r]]
//       for hard labels (labels != null, int32), and lse[r] * sum_c t[r, c] - sum_c t[r, c] x[r, c] for
//       soft targets (probs != null). A label outside [0, classes) is never used as an index: its loss
//       is NaN and, unless an earlier call's bad label is already recorded (err[2] != 0), err[0] gets the
//       smallest such row (atomicMin), for the host to report at its next read instead of stopping the
//       step for a check
//   xent_bad_label(labels, err, classes)
//       right after each forward with labels (one thread): when err[0] names a row and nothing is
//       recorded yet, err[1] = labels[err[0]] and err[2] = classes, so row, label and classes of the
//       report all come from the first bad call
//   xent_backward(logits, lse, labels, probs, g_loss, gx, rows, classes)
//       gx[r, c] = g[r] (exp(x[r, c] - lse[r]) - [c == label])         (hard)
//       gx[r, c] = g[r] (exp(x[r, c] - lse[r]) * sum_c t[r, c] - t[r, c])   (soft)
// expf and logf are CUDA's (within 2 ulp); the CPU backend's own exp differs by a few ulp, which the
// tests allow for. A NaN logit makes its row's lse, loss and gradient NaN, as on the CPU.
//
// InfoNCE, positives on the diagonal, queries q and keys k already L2-normalized, (rows, dim) each: the
// host makes the logits S = q k^T / tau (rows, rows) with one float GEMM (cuBLAS where present), these
// kernels do the rest row by row, and two more GEMMs give the gradients (gq = dS k, gk = dS^T q).
//   infonce_rows(s, lse, loss, rows)
//       one block per row (grid-stride over rows): lse[i] = m + log(sum_j exp(S[i, j] - m)), m the row's
//       maximum, and loss[i] = lse[i] - S[i, i]
//   infonce_grad_rows(s, lse, g, rows, inv_tau)
//       S becomes dS in place: dS[i, j] = g[i] (exp(S[i, j] - lse[i]) - [i == j]) / tau
// Reductions are block_reduce's fixed trees: the same bits on every run. expf and logf are CUDA's (a few
// ulp from the CPU backend's own exp).
#include "common.cuh"

// m + log(sum_c exp(x[c] - m)) over a row of n, m its maximum, by the whole block (every thread gets it):
// block_reduce's fixed trees, so the same bits on every run.
__device__ __forceinline__ float row_log_sum_exp(const float* x, int n, float* scratch) {
    float m = reduce_identity(R_MAX);
    for (int c = threadIdx.x; c < n; c += blockDim.x) m = reduce_combine(R_MAX, m, x[c]);
    m = block_reduce(R_MAX, m, scratch);
    float s = 0.0f;
    for (int c = threadIdx.x; c < n; c += blockDim.x) s += expf(x[c] - m);
    s = block_reduce(R_SUM, s, scratch);
    return m + logf(s);
}

extern "C" __global__ void xent_forward(const float* logits, const int* labels, const float* probs, float* loss, float* lse, int rows, int classes, int* err) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* x = logits + static_cast<long long>(r) * classes;
        float l = row_log_sum_exp(x, classes, scratch);
        if (labels != nullptr) {
            if (threadIdx.x == 0) {
                int y = labels[r];
                lse[r] = l;
                if (y >= 0 && y < classes) {
                    loss[r] = l - x[y];
                } else {
                    loss[r] = NAN;
                    if (err[2] == 0) atomicMin(err, r);
                }
            }
        } else {
            const float* t = probs + static_cast<long long>(r) * classes;
            float mass = 0.0f, dot = 0.0f;
            for (int c = threadIdx.x; c < classes; c += blockDim.x) {
                mass += t[c];
                dot = fmaf(t[c], x[c], dot);
            }
            mass = block_reduce(R_SUM, mass, scratch);
            dot = block_reduce(R_SUM, dot, scratch);
            if (threadIdx.x == 0) {
                lse[r] = l;
                loss[r] = l * mass - dot;
            }
        }
    }
}

extern "C" __global__ void xent_bad_label(const int* labels, int* err, int classes) {
    if (blockIdx.x == 0 && threadIdx.x == 0 && err[0] != 0x7fffffff && err[2] == 0) {
        err[1] = labels[err[0]];
        err[2] = classes;
    }
}

extern "C" __global__ void xent_backward(const float* logits, const float* lse, const int* labels, const float* probs, const float* g_loss, float* gx, int rows, int classes) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        long long off = static_cast<long long>(r) * classes;
        float g = g_loss[r], l = lse[r];
        if (labels != nullptr) {
            int y = labels[r];
            for (int c = threadIdx.x; c < classes; c += blockDim.x) {
                float p = expf(logits[off + c] - l);
                gx[off + c] = c == y ? g * p - g : g * p;
            }
        } else {
            const float* t = probs + off;
            float mass = 0.0f;
            for (int c = threadIdx.x; c < classes; c += blockDim.x) mass += t[c];
            mass = block_reduce(R_SUM, mass, scratch);
            for (int c = threadIdx.x; c < classes; c += blockDim.x) {
                float p = expf(logits[off + c] - l);
                gx[off + c] = g * (p * mass - t[c]);
            }
        }
    }
}

extern "C" __global__ void infonce_rows(const float* s, float* lse, float* loss, int rows) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* x = s + static_cast<long long>(r) * rows;
        float l = row_log_sum_exp(x, rows, scratch);
        if (threadIdx.x == 0) {
            lse[r] = l;
            loss[r] = l - x[r];
        }
    }
}

extern "C" __global__ void infonce_grad_rows(float* s, const float* lse, const float* g, int rows, float inv_tau) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        float* x = s + static_cast<long long>(r) * rows;
        float l = lse[r], gi = g[r];
        for (int c = threadIdx.x; c < rows; c += blockDim.x) {
            float p = expf(x[c] - l);
            x[c] = gi * (c == r ? p - 1.0f : p) * inv_tau;
        }
    }
}
