// flash.cu: fused scaled-dot-product attention of the CUDA backend (rrcm.backend.cuda.CudaFusedAttention),
// FlashAttention-style: the (tq, tk) score matrix never reaches global memory.
//
// Layout (rrcm.backend.AttentionShape): heads independent problems; q, o, go, gq (heads, tq, dh); k, v,
// gk, gv (heads, tk, dh); lse and d (heads, tq); all contiguous fp32. dh <= 128 (the host checks).
//
// Work split: a warp owns one row (a query row in the forward and for dQ, a key row for dK and dV);
// lane l holds elements l, l + 32, l + 64, l + 96 of the row's dh-vectors in registers, so a dot product
// is four FMAs per lane and one xor-shuffle butterfly (every lane ends with the same sum, in a fixed
// order). A block of ROWS warps shares tiles of TILE rows of the other operand, staged in shared memory
// (dynamic: 2 * TILE * dh floats) with coalesced loads, so each K/V (or Q/dO) row is read from global
// memory once per block rather than once per warp.
//
//   attention_forward(q, k, v, o, lse, heads, tq, tk, dh, scale)
//       grid (ceil(tq / ROWS), heads), block (32, ROWS). Online softmax per query row: the running max m
//       and sum l, the output accumulator rescaled by exp(m_old - m_new) when m rises; at the end
//       o = acc / l and lse = m + log l.
//   attention_rowdot(o, go, d, rows, dh)
//       d[r] = sum_c o[r, c] go[r, c], the D of the backward; block (32, ROWS), grid ceil(rows / ROWS).
//   attention_backward_dq(q, k, v, go, lse, d, gq, heads, tq, tk, dh, scale)
//       per query row i, over all keys j: p = exp(s_ij - lse_i), dp = go_i . v_j, ds = p (dp - d_i),
//       gq_i = scale sum_j ds k_j
//   attention_backward_dkv(q, k, v, go, lse, d, gk, gv, heads, tq, tk, dh, scale)
//       per key row j, over all query rows i: gv_j = sum_i p go_i, gk_j = scale sum_i ds q_i
// Each output element is one accumulation in a fixed order (keys or queries ascending): no atomics, the
// same bits on every run and every schedule.
#include "common.cuh"
#include "rows.cuh"

#define ATT_ROWS 8
#define ATT_TILE 32
#define ATT_PER_LANE 4

extern "C" __global__ void attention_forward(const float* q, const float* k, const float* v, float* o, float* lse, int heads, int tq, int tk, int dh, float scale) {
    extern __shared__ float tiles[];
    float* sk = tiles;
    float* sv = tiles + ATT_TILE * dh;
    int h = blockIdx.y;
    int i = blockIdx.x * ATT_ROWS + threadIdx.y;
    bool active = i < tq;
    long long qbase = (static_cast<long long>(h) * tq + (active ? i : 0)) * dh;
    long long kbase = static_cast<long long>(h) * tk * dh;
    float qr[ATT_PER_LANE], acc[ATT_PER_LANE];
    lanes_load<ATT_PER_LANE>(q + qbase, dh, qr);
#pragma unroll
    for (int t = 0; t < ATT_PER_LANE; t++) acc[t] = 0.0f;
    float m = -INFINITY, l = 0.0f;
    for (int j0 = 0; j0 < tk; j0 += ATT_TILE) {
        int n = min(ATT_TILE, tk - j0);
        __syncthreads(); // the previous tile is no longer read
        stage_rows(k, kbase, j0, n, dh, sk);
        stage_rows(v, kbase, j0, n, dh, sv);
        __syncthreads();
        if (active) {
            for (int j = 0; j < n; j++) {
                float s = lanes_dot<ATT_PER_LANE>(qr, sk + j * dh, dh) * scale;
                float m_new = fmaxf(m, s);
                float alpha = expf(m - m_new); // m = -inf at the first key: alpha = 0 and l, acc are 0
                float p = expf(s - m_new);
                l = fmaf(l, alpha, p);
#pragma unroll
                for (int t = 0; t < ATT_PER_LANE; t++) {
                    int c = threadIdx.x + 32 * t;
                    float vc = c < dh ? sv[j * dh + c] : 0.0f;
                    acc[t] = fmaf(p, vc, acc[t] * alpha);
                }
                m = m_new;
            }
        }
    }
    if (active) {
        float inv = 1.0f / l;
#pragma unroll
        for (int t = 0; t < ATT_PER_LANE; t++) {
            int c = threadIdx.x + 32 * t;
            if (c < dh) o[qbase + c] = acc[t] * inv;
        }
        if (threadIdx.x == 0) lse[static_cast<long long>(h) * tq + i] = m + logf(l);
    }
}

extern "C" __global__ void attention_rowdot(const float* o, const float* go, float* d, int rows, int dh) {
    int r = blockIdx.x * ATT_ROWS + threadIdx.y;
    if (r >= rows) return;
    long long base = static_cast<long long>(r) * dh;
    float s = 0.0f;
    for (int c = threadIdx.x; c < dh; c += 32) s = fmaf(o[base + c], go[base + c], s);
    s = warp_sum(s);
    if (threadIdx.x == 0) d[r] = s;
}

extern "C" __global__ void attention_backward_dq(const float* q, const float* k, const float* v, const float* go, const float* lse, const float* d, float* gq, int heads, int tq, int tk, int dh, float scale) {
    extern __shared__ float tiles[];
    float* sk = tiles;
    float* sv = tiles + ATT_TILE * dh;
    int h = blockIdx.y;
    int i = blockIdx.x * ATT_ROWS + threadIdx.y;
    bool active = i < tq;
    long long row = static_cast<long long>(h) * tq + (active ? i : 0);
    long long kbase = static_cast<long long>(h) * tk * dh;
    float qr[ATT_PER_LANE], gor[ATT_PER_LANE], acc[ATT_PER_LANE];
    lanes_load<ATT_PER_LANE>(q + row * dh, dh, qr);
    lanes_load<ATT_PER_LANE>(go + row * dh, dh, gor);
#pragma unroll
    for (int t = 0; t < ATT_PER_LANE; t++) acc[t] = 0.0f;
    float li = lse[row], di = d[row];
    for (int j0 = 0; j0 < tk; j0 += ATT_TILE) {
        int n = min(ATT_TILE, tk - j0);
        __syncthreads();
        stage_rows(k, kbase, j0, n, dh, sk);
        stage_rows(v, kbase, j0, n, dh, sv);
        __syncthreads();
        if (active) {
            for (int j = 0; j < n; j++) {
                float p = expf(lanes_dot<ATT_PER_LANE>(qr, sk + j * dh, dh) * scale - li);
                float ds = p * (lanes_dot<ATT_PER_LANE>(gor, sv + j * dh, dh) - di);
                lanes_axpy<ATT_PER_LANE>(ds, sk + j * dh, dh, acc);
            }
        }
    }
    if (active) {
#pragma unroll
        for (int t = 0; t < ATT_PER_LANE; t++) {
            int c = threadIdx.x + 32 * t;
            if (c < dh) gq[row * dh + c] = acc[t] * scale;
        }
    }
}

extern "C" __global__ void attention_backward_dkv(const float* q, const float* k, const float* v, const float* go, const float* lse, const float* d, float* gk, float* gv, int heads, int tq, int tk, int dh, float scale) {
    extern __shared__ float tiles[];
    float* sq = tiles;
    float* sgo = tiles + ATT_TILE * dh;
    __shared__ float slse[ATT_TILE], sd[ATT_TILE];
    int h = blockIdx.y;
    int j = blockIdx.x * ATT_ROWS + threadIdx.y;
    bool active = j < tk;
    long long row = static_cast<long long>(h) * tk + (active ? j : 0);
    long long qbase = static_cast<long long>(h) * tq * dh;
    float kr[ATT_PER_LANE], vr[ATT_PER_LANE], dk[ATT_PER_LANE], dv[ATT_PER_LANE];
    lanes_load<ATT_PER_LANE>(k + row * dh, dh, kr);
    lanes_load<ATT_PER_LANE>(v + row * dh, dh, vr);
#pragma unroll
    for (int t = 0; t < ATT_PER_LANE; t++) {
        dk[t] = 0.0f;
        dv[t] = 0.0f;
    }
    for (int i0 = 0; i0 < tq; i0 += ATT_TILE) {
        int n = min(ATT_TILE, tq - i0);
        __syncthreads();
        stage_rows(q, qbase, i0, n, dh, sq);
        stage_rows(go, qbase, i0, n, dh, sgo);
        int tid = threadIdx.y * 32 + threadIdx.x;
        if (tid < n) {
            slse[tid] = lse[static_cast<long long>(h) * tq + i0 + tid];
            sd[tid] = d[static_cast<long long>(h) * tq + i0 + tid];
        }
        __syncthreads();
        if (active) {
            for (int i = 0; i < n; i++) {
                float p = expf(lanes_dot<ATT_PER_LANE>(kr, sq + i * dh, dh) * scale - slse[i]);
                float ds = p * (lanes_dot<ATT_PER_LANE>(vr, sgo + i * dh, dh) - sd[i]);
                lanes_axpy<ATT_PER_LANE>(p, sgo + i * dh, dh, dv);
                lanes_axpy<ATT_PER_LANE>(ds, sq + i * dh, dh, dk);
            }
        }
    }
    if (active) {
#pragma unroll
        for (int t = 0; t < ATT_PER_LANE; t++) {
            int c = threadIdx.x + 32 * t;
            if (c < dh) {
                gk[row * dh + c] = dk[t] * scale;
                gv[row * dh + c] = dv[t];
            }
        }
    }
}
