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
// InfoNCE, fused, positives on the
// diagonal, queries q and keys k already L2-normalized, (rows, dim) each, dim <= 1024.
//
// The (rows, rows) logits S = q k^T / tau are never written: a warp owns one row (a query row in the
// forward and for gq, a key row for gk), lane l holds elements l, l + 32, ... of its dim-vectors in
// registers (up to 32 per lane), and a block of INFO_ROWS warps shares tiles of `tile` rows of the other
// operand in shared memory (dynamic: tile * dim floats; the host sizes tile so that it fits 48 KB).
//   infonce_forward(q, k, lse, loss, rows, dim, inv_tau, tile)
//       grid ceil(rows / INFO_ROWS), block (32, INFO_ROWS): online log-sum-exp of row i of S, and
//       loss[i] = lse[i] - S[i, i]
//   infonce_backward_q(q, k, lse, g, gq, rows, dim, inv_tau, tile)
//       gq_i = sum_j dS_ij k_j, dS_ij = g_i (exp(S_ij - lse_i) - [i == j]) / tau
//   infonce_backward_k(q, k, lse, g, gk, rows, dim, inv_tau, tile)
//       gk_j = sum_i dS_ij q_i; lse and g of the tile's query rows are staged beside it
// Each output is one accumulation in a fixed order (ascending j or i): no atomics, the same bits on
// every run. expf and logf are CUDA's (a few ulp from the CPU backend's own exp).
#include "common.cuh"
#include "rows.cuh"

extern "C" __global__ void xent_forward(const float* logits, const int* labels, const float* probs, float* loss, float* lse, int rows, int classes, int* err) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* x = logits + static_cast<long long>(r) * classes;
        float m = reduce_identity(R_MAX);
        for (int c = threadIdx.x; c < classes; c += blockDim.x) m = reduce_combine(R_MAX, m, x[c]);
        m = block_reduce(R_MAX, m, scratch);
        float s = 0.0f;
        for (int c = threadIdx.x; c < classes; c += blockDim.x) s += expf(x[c] - m);
        s = block_reduce(R_SUM, s, scratch);
        float l = m + logf(s);
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

#define INFO_ROWS 8
#define INFO_PER_LANE 32
#define INFO_MAX_TILE 64

extern "C" __global__ void infonce_forward(const float* q, const float* k, float* lse, float* loss, int rows, int dim, float inv_tau, int tile) {
    extern __shared__ float tk[];
    int i = blockIdx.x * INFO_ROWS + threadIdx.y;
    bool active = i < rows;
    float qr[INFO_PER_LANE];
    lanes_load<INFO_PER_LANE>(q + static_cast<long long>(active ? i : 0) * dim, dim, qr);
    float m = -INFINITY, l = 0.0f, diag = 0.0f;
    for (int j0 = 0; j0 < rows; j0 += tile) {
        int n = min(tile, rows - j0);
        __syncthreads();
        stage_rows(k, 0, j0, n, dim, tk);
        __syncthreads();
        if (active) {
            for (int j = 0; j < n; j++) {
                float s = lanes_dot<INFO_PER_LANE>(qr, tk + j * dim, dim) * inv_tau;
                if (j0 + j == i) diag = s;
                float m_new = fmaxf(m, s);
                l = fmaf(l, expf(m - m_new), expf(s - m_new));
                m = m_new;
            }
        }
    }
    if (active && threadIdx.x == 0) {
        float v = m + logf(l);
        lse[i] = v;
        loss[i] = v - diag;
    }
}

extern "C" __global__ void infonce_backward_q(const float* q, const float* k, const float* lse, const float* g, float* gq, int rows, int dim, float inv_tau, int tile) {
    extern __shared__ float tk[];
    int i = blockIdx.x * INFO_ROWS + threadIdx.y;
    bool active = i < rows;
    float qr[INFO_PER_LANE], acc[INFO_PER_LANE];
    lanes_load<INFO_PER_LANE>(q + static_cast<long long>(active ? i : 0) * dim, dim, qr);
#pragma unroll
    for (int t = 0; t < INFO_PER_LANE; t++) acc[t] = 0.0f;
    float li = active ? lse[i] : 0.0f, gi = active ? g[i] * inv_tau : 0.0f;
    for (int j0 = 0; j0 < rows; j0 += tile) {
        int n = min(tile, rows - j0);
        __syncthreads();
        stage_rows(k, 0, j0, n, dim, tk);
        __syncthreads();
        if (active) {
            for (int j = 0; j < n; j++) {
                float p = expf(lanes_dot<INFO_PER_LANE>(qr, tk + j * dim, dim) * inv_tau - li);
                float ds = j0 + j == i ? gi * p - gi : gi * p;
                lanes_axpy<INFO_PER_LANE>(ds, tk + j * dim, dim, acc);
            }
        }
    }
    if (active) lanes_store<INFO_PER_LANE>(acc, dim, gq + static_cast<long long>(i) * dim);
}

extern "C" __global__ void infonce_backward_k(const float* q, const float* k, const float* lse, const float* g, float* gk, int rows, int dim, float inv_tau, int tile) {
    extern __shared__ float tq[];
    __shared__ float slse[INFO_MAX_TILE], sg[INFO_MAX_TILE];
    int j = blockIdx.x * INFO_ROWS + threadIdx.y;
    bool active = j < rows;
    float kr[INFO_PER_LANE], acc[INFO_PER_LANE];
    lanes_load<INFO_PER_LANE>(k + static_cast<long long>(active ? j : 0) * dim, dim, kr);
#pragma unroll
    for (int t = 0; t < INFO_PER_LANE; t++) acc[t] = 0.0f;
    for (int i0 = 0; i0 < rows; i0 += tile) {
        int n = min(tile, rows - i0);
        __syncthreads();
        stage_rows(q, 0, i0, n, dim, tq);
        int tid = threadIdx.y * 32 + threadIdx.x;
        if (tid < n) {
            slse[tid] = lse[i0 + tid];
            sg[tid] = g[i0 + tid] * inv_tau;
        }
        __syncthreads();
        if (active) {
            for (int i = 0; i < n; i++) {
                float p = expf(lanes_dot<INFO_PER_LANE>(kr, tq + i * dim, dim) * inv_tau - slse[i]);
                float gi = sg[i];
                float ds = i0 + i == j ? gi * p - gi : gi * p;
                lanes_axpy<INFO_PER_LANE>(ds, tq + i * dim, dim, acc);
            }
        }
    }
    if (active) lanes_store<INFO_PER_LANE>(acc, dim, gk + static_cast<long long>(j) * dim);
}
