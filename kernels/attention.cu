// attention.cu: the attention family of the CUDA backend (rrcm.backend.cuda.CudaAttention; the CPU's twin
// is rrcm.backend.cpu.CpuAttention), the contract of rrcm.backend.AttentionOps.forward / backward with rrcm.backend.AttentionShape:
// heads = B * H independent problems, q (heads, tq, dh), k and v (heads, tk, dh), o (heads, tq, dh),
// lse (heads, tq), all contiguous fp32; or, packed (ph = H > 0, tq = tk = T), q, k and v one array, the
// qkv projection (B, T, 3, H, dh), and o (B, T, H, dh), head b H + h being head h of image b (the
// gradients gq, gk, gv then one array of q's layout). Every row access goes through attn_row. S = (q * scale) k^T, P = softmax(S) per row, o = P v,
// lse = log-sum-exp of each row of S. FlashAttention-2 style: no (tq, tk) matrix ever reaches global
// memory; plain fp32 FFMA arithmetic (no tensor cores).
//
// Shared shape of the work: a block is 4 warps (128 threads). Tiles of KT = 32 rows of the "other"
// side are staged in shared memory, one row per lane, so each lane owns one key (forward, dQ) or one
// query (dK, dV) of the tile and computes its dot products with the R rows its warp owns, reading the
// warp's rows as float4 broadcasts and its own row at stride LD + 1 (odd: no bank conflicts), 4 of d
// at a time (the zero padding past dh adds exact zeros; the chain over d keeps its order). The per-row
// results go through a small per-warp buffer in shared memory and are then accumulated into registers
// where lane c owns columns c, c + 32, ..., c + 32 (DC - 1) of its warp's R rows (DC = ceil(dh / 32),
// compiled for DC = 1, 2, 3, 4 and 8; R = 8, 8, 4, 4, 2). Tiles are loaded a row per warp, lanes along
// the row (coalesced), zero-filled past the shape's rows and past dh, so every loop but the dot
// products runs to the compiled width with no tails. Row offsets are 64-bit.
//
// Kernels (xN = DC: attn_fwd_d1, _d2, _d3, _d4, _d8; the launcher picks the smallest DC with 32 DC >= dh;
// ph is the packed layout's heads per image, 0 for separate arrays):
//   attn_fwd_dN(q, k, v, o, lse, heads, tq, tk, dh, scale, ph)
//       Grid (ceil(tq / BQ), g), g <= heads (blocks loop over heads in steps of g), block 128, BQ = 4 R
//       query rows per block, R per warp. Dynamic shared memory (floats): BQ * 32DC (q * scale) +
//       KT * (32DC + 1) (k tile) + KT * 32DC (v tile) + BQ * KT (probabilities).
//       Per key tile: s = q_r . k_lane (fmaf chain over d ascending, as the CPU's); online softmax per
//       row: m_new = max(m, max over the tile) (warp butterfly, NaN-propagating like Java's max),
//       alpha = exp(m - m_new), p = exp(s - m_new), l = l alpha + p (each lane keeps the partial sum of
//       its keys), O = O alpha + sum_lane p v_lane. At the end l = butterfly sum of the lanes' partials,
//       o = O * (1 / l), lse = m + log l.
//   attn_bwd_dot(o, go, d, rows, dh, tq, ph)
//       d[row] = sum_c go[row, c] o[row, c] for rows = heads * tq (row = h tq + t): one warp per row (grid-stride over
//       rows by warps, any 1-D grid of 32-multiple blocks), lanes stride over c, butterfly sum.
//   attn_bwd_dq_dN(q, k, v, go, lse, d, gq, heads, tq, tk, dh, scale, ph)
//       Grid (ceil(tq / BQ), g) as the forward, block 128. Shared (floats): 2 BQ * 32DC (q * scale and
//       dO of the block's rows) + 2 KT * (32DC + 1) (k and v tiles) + BQ * KT (dS).
//       Per key tile: p = exp(s - lse_r), dp = dO_r . v_lane, dS = p (dp - D_r); dQ_r += sum_lane dS k_lane.
//       gq = dQ * scale.
//   attn_bwd_dkdv_dN(q, k, v, go, lse, d, gk, gv, heads, tq, tk, dh, scale, ph)
//       Grid (ceil(tk / BK), g), g <= heads, block 128, BK = 4 R keys per block, R per warp; the block
//       loops over all query tiles of KT rows (no atomics: a block owns its keys' dK and dV). Shared
//       (floats): 2 BK * 32DC (k and v of the block's keys) + 2 KT * (32DC + 1) (q * scale and dO
//       tiles) + 2 BK * KT (P and dS). Per query tile, lane = query: p = exp(s - lse_lane),
//       dS = p (dO_lane . v_r - D_lane); dV_r += sum_lane p dO_lane, dK_r += sum_lane dS (q_lane scale).
// Shared memory reaches 82 KiB (dK/dV at DC = 8): above 48 KiB the GPU executor opts the kernel in;
// every size is below sm_86's 99 KiB limit (the launcher checks).
//
// Determinism: every output element is computed by one fixed thread as one chain of fmaf in a fixed
// order (over d, over keys or over queries ascending, in tiles fixed by the shape), and the warp
// reductions are fixed butterflies; nothing depends on timing or on the grid's heads stride. No atomics.
#include "common.cuh"

namespace attn {
const int WARPS = 4;
const int KT = 32; // rows of a staged tile: one per lane
} // namespace attn

// Where row t of head h starts: of q (which = 0), k (1) or v (2) when which >= 0, of o when which < 0.
// Separate arrays: (h t_len + t) dh. Packed (ph heads per image, t_len = T): the image's row t, then the
// q, k or v part (3 of them in a q/k/v row, none in an o row), then head h % ph.
__device__ __forceinline__ long long attn_row(int ph, int h, int t, int t_len, int which, int dh) {
    if (ph == 0) return (static_cast<long long>(h) * t_len + t) * dh;
    const long long token = static_cast<long long>(h / ph) * t_len + t;
    return which < 0 ? (token * ph + h % ph) * dh : ((token * 3 + which) * ph + h % ph) * dh;
}

// Elements between consecutive rows of one head: of q, k, v (which >= 0) or of o (which < 0).
__device__ __forceinline__ int attn_stride(int ph, int which, int dh) {
    return ph == 0 ? dh : (which < 0 ? ph * dh : 3 * ph * dh);
}

// dst[r * ld + c] = src[r * stride + c] * mul for r < rows and c < dh, 0 for r < tile_rows and c < ld
// otherwise. A warp per row, lanes along it. Ends without a barrier.
__device__ __forceinline__ void attn_load_rows(float* dst, int ld, const float* src, int stride, int rows, int tile_rows,
                                               int dh, float mul) {
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    for (int r = warp; r < tile_rows; r += attn::WARPS) {
        const float* s = src + static_cast<long long>(r) * stride;
        float* t = dst + r * ld;
        if (r < rows) {
            for (int c = lane; c < ld; c += 32) t[c] = c < dh ? s[c] * mul : 0.0f;
        } else {
            for (int c = lane; c < ld; c += 32) t[c] = 0.0f;
        }
    }
}

template <int DC, int R>
__device__ __forceinline__ void attn_fwd_body(const float* q, const float* k, const float* v, float* o, float* lse,
                                              int heads, int tq, int tk, int dh, float scale, int ph) {
    using namespace attn;
    extern __shared__ __align__(16) float attn_smem[];
    const int LD = 32 * DC, LDO = LD + 1, BQ = WARPS * R;
    float* Qs = attn_smem;
    float* Ks = Qs + BQ * LD;
    float* Vs = Ks + KT * LDO;
    float* Ps = Vs + KT * LD;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, dh4 = (dh + 3) & ~3;
    const int q0 = blockIdx.x * BQ, rows = min(BQ, tq - q0);
    const float* qw = Qs + warp * R * LD;
    float* pw = Ps + warp * R * KT;
    const int in = attn_stride(ph, 0, dh);
    for (int h = blockIdx.y; h < heads; h += gridDim.y) {
        __syncthreads(); // the previous head's readers are done with every buffer
        attn_load_rows(Qs, LD, q + attn_row(ph, h, q0, tq, 0, dh), in, rows, BQ, dh, scale);
        float m[R], l[R], acc[R][DC];
#pragma unroll
        for (int r = 0; r < R; r++) {
            m[r] = -INFINITY;
            l[r] = 0.0f;
#pragma unroll
            for (int j = 0; j < DC; j++) acc[r][j] = 0.0f;
        }
        for (int j0 = 0; j0 < tk; j0 += KT) {
            const int keys = min(KT, tk - j0);
            __syncthreads(); // the previous tile is consumed (and q is in place before the first)
            attn_load_rows(Ks, LDO, k + attn_row(ph, h, j0, tk, 1, dh), in, keys, KT, dh, 1.0f);
            attn_load_rows(Vs, LD, v + attn_row(ph, h, j0, tk, 2, dh), in, keys, KT, dh, 1.0f);
            __syncthreads();
            float s[R];
#pragma unroll
            for (int r = 0; r < R; r++) s[r] = 0.0f;
            const float* kl = Ks + lane * LDO;
            for (int d = 0; d < dh4; d += 4) {
                const float k0 = kl[d], k1 = kl[d + 1], k2 = kl[d + 2], k3 = kl[d + 3];
#pragma unroll
                for (int r = 0; r < R; r++) {
                    const float4 qv = *reinterpret_cast<const float4*>(qw + r * LD + d);
                    s[r] = fmaf(qv.w, k3, fmaf(qv.z, k2, fmaf(qv.y, k1, fmaf(qv.x, k0, s[r]))));
                }
            }
#pragma unroll
            for (int r = 0; r < R; r++) {
                const float sr = lane < keys ? s[r] : -INFINITY;
                const float mn = jmax(m[r], warp_reduce(R_MAX, sr));
                const float alpha = expf(m[r] - mn);
                const float p = expf(sr - mn);
                m[r] = mn;
                l[r] = l[r] * alpha + p;
#pragma unroll
                for (int j = 0; j < DC; j++) acc[r][j] *= alpha;
                pw[r * KT + lane] = p;
            }
            __syncwarp();
            for (int kk = 0; kk < keys; kk++) {
                float vv[DC];
#pragma unroll
                for (int j = 0; j < DC; j++) vv[j] = Vs[kk * LD + lane + 32 * j];
#pragma unroll
                for (int r = 0; r < R; r++) {
                    const float p = pw[r * KT + kk];
#pragma unroll
                    for (int j = 0; j < DC; j++) acc[r][j] = fmaf(p, vv[j], acc[r][j]);
                }
            }
        }
#pragma unroll
        for (int r = 0; r < R; r++) {
            const float total = warp_reduce(R_SUM, l[r]);
            const int row = q0 + warp * R + r;
            if (row < tq) {
                const long long at = static_cast<long long>(h) * tq + row;
                const float inv = 1.0f / total;
                float* orow = o + attn_row(ph, h, row, tq, -1, dh);
#pragma unroll
                for (int j = 0; j < DC; j++) {
                    const int c = lane + 32 * j;
                    if (c < dh) orow[c] = acc[r][j] * inv;
                }
                if (lane == 0) lse[at] = m[r] + logf(total);
            }
        }
    }
}

template <int DC, int R>
__device__ __forceinline__ void attn_bwd_dq_body(const float* q, const float* k, const float* v, const float* go,
                                                 const float* lse, const float* dvec, float* gq, int heads, int tq,
                                                 int tk, int dh, float scale, int ph) {
    using namespace attn;
    extern __shared__ __align__(16) float attn_smem[];
    const int LD = 32 * DC, LDO = LD + 1, BQ = WARPS * R;
    float* Qs = attn_smem;
    float* Os = Qs + BQ * LD;
    float* Ks = Os + BQ * LD;
    float* Vs = Ks + KT * LDO;
    float* Ss = Vs + KT * LDO;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, dh4 = (dh + 3) & ~3;
    const int q0 = blockIdx.x * BQ, rows = min(BQ, tq - q0);
    const float* qw = Qs + warp * R * LD;
    const float* ow = Os + warp * R * LD;
    float* sw = Ss + warp * R * KT;
    const int in = attn_stride(ph, 0, dh), out = attn_stride(ph, -1, dh);
    for (int h = blockIdx.y; h < heads; h += gridDim.y) {
        const long long base = static_cast<long long>(h) * tq + q0;
        __syncthreads();
        attn_load_rows(Qs, LD, q + attn_row(ph, h, q0, tq, 0, dh), in, rows, BQ, dh, scale);
        attn_load_rows(Os, LD, go + attn_row(ph, h, q0, tq, -1, dh), out, rows, BQ, dh, 1.0f);
        float rl[R], rd[R], acc[R][DC];
#pragma unroll
        for (int r = 0; r < R; r++) {
            const int i = warp * R + r;
            rl[r] = i < rows ? lse[base + i] : 0.0f;
            rd[r] = i < rows ? dvec[base + i] : 0.0f;
#pragma unroll
            for (int j = 0; j < DC; j++) acc[r][j] = 0.0f;
        }
        for (int j0 = 0; j0 < tk; j0 += KT) {
            const int keys = min(KT, tk - j0);
            __syncthreads();
            attn_load_rows(Ks, LDO, k + attn_row(ph, h, j0, tk, 1, dh), in, keys, KT, dh, 1.0f);
            attn_load_rows(Vs, LDO, v + attn_row(ph, h, j0, tk, 2, dh), in, keys, KT, dh, 1.0f);
            __syncthreads();
            float s[R], dp[R];
#pragma unroll
            for (int r = 0; r < R; r++) s[r] = dp[r] = 0.0f;
            const float* kl = Ks + lane * LDO;
            const float* vl = Vs + lane * LDO;
            for (int d = 0; d < dh4; d += 4) {
                const float k0 = kl[d], k1 = kl[d + 1], k2 = kl[d + 2], k3 = kl[d + 3];
                const float v0 = vl[d], v1 = vl[d + 1], v2 = vl[d + 2], v3 = vl[d + 3];
#pragma unroll
                for (int r = 0; r < R; r++) {
                    const float4 qv = *reinterpret_cast<const float4*>(qw + r * LD + d);
                    const float4 ov = *reinterpret_cast<const float4*>(ow + r * LD + d);
                    s[r] = fmaf(qv.w, k3, fmaf(qv.z, k2, fmaf(qv.y, k1, fmaf(qv.x, k0, s[r]))));
                    dp[r] = fmaf(ov.w, v3, fmaf(ov.z, v2, fmaf(ov.y, v1, fmaf(ov.x, v0, dp[r]))));
                }
            }
#pragma unroll
            for (int r = 0; r < R; r++) {
                const float p = lane < keys ? expf(s[r] - rl[r]) : 0.0f;
                sw[r * KT + lane] = p * (dp[r] - rd[r]);
            }
            __syncwarp();
            for (int kk = 0; kk < keys; kk++) {
                float kv[DC];
#pragma unroll
                for (int j = 0; j < DC; j++) kv[j] = Ks[kk * LDO + lane + 32 * j];
#pragma unroll
                for (int r = 0; r < R; r++) {
                    const float ds = sw[r * KT + kk];
#pragma unroll
                    for (int j = 0; j < DC; j++) acc[r][j] = fmaf(ds, kv[j], acc[r][j]);
                }
            }
        }
#pragma unroll
        for (int r = 0; r < R; r++) {
            const int i = warp * R + r;
            if (i < rows) {
                float* dq = gq + attn_row(ph, h, q0 + i, tq, 0, dh);
#pragma unroll
                for (int j = 0; j < DC; j++) {
                    const int c = lane + 32 * j;
                    if (c < dh) dq[c] = acc[r][j] * scale;
                }
            }
        }
    }
}

template <int DC, int R>
__device__ __forceinline__ void attn_bwd_dkdv_body(const float* q, const float* k, const float* v, const float* go,
                                                   const float* lse, const float* dvec, float* gk, float* gv,
                                                   int heads, int tq, int tk, int dh, float scale, int ph) {
    using namespace attn;
    extern __shared__ __align__(16) float attn_smem[];
    const int LD = 32 * DC, LDO = LD + 1, BK = WARPS * R;
    float* Ks = attn_smem;
    float* Vs = Ks + BK * LD;
    float* Qs = Vs + BK * LD;
    float* Os = Qs + KT * LDO;
    float* Ps = Os + KT * LDO;
    float* Ss = Ps + BK * KT;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, dh4 = (dh + 3) & ~3;
    const int k0 = blockIdx.x * BK, keys = min(BK, tk - k0);
    const float* kw = Ks + warp * R * LD;
    const float* vw = Vs + warp * R * LD;
    float* pw = Ps + warp * R * KT;
    float* sw = Ss + warp * R * KT;
    const int in = attn_stride(ph, 0, dh), out = attn_stride(ph, -1, dh);
    for (int h = blockIdx.y; h < heads; h += gridDim.y) {
        const long long qbase = static_cast<long long>(h) * tq;
        __syncthreads();
        attn_load_rows(Ks, LD, k + attn_row(ph, h, k0, tk, 1, dh), in, keys, BK, dh, 1.0f);
        attn_load_rows(Vs, LD, v + attn_row(ph, h, k0, tk, 2, dh), in, keys, BK, dh, 1.0f);
        float ak[R][DC], av[R][DC];
#pragma unroll
        for (int r = 0; r < R; r++) {
#pragma unroll
            for (int j = 0; j < DC; j++) ak[r][j] = av[r][j] = 0.0f;
        }
        for (int i0 = 0; i0 < tq; i0 += KT) {
            const int nq = min(KT, tq - i0);
            __syncthreads();
            attn_load_rows(Qs, LDO, q + attn_row(ph, h, i0, tq, 0, dh), in, nq, KT, dh, scale);
            attn_load_rows(Os, LDO, go + attn_row(ph, h, i0, tq, -1, dh), out, nq, KT, dh, 1.0f);
            __syncthreads();
            const float li = lane < nq ? lse[qbase + i0 + lane] : 0.0f;
            const float di = lane < nq ? dvec[qbase + i0 + lane] : 0.0f;
            float s[R], dp[R];
#pragma unroll
            for (int r = 0; r < R; r++) s[r] = dp[r] = 0.0f;
            const float* ql = Qs + lane * LDO;
            const float* ol = Os + lane * LDO;
            for (int d = 0; d < dh4; d += 4) {
                const float q0 = ql[d], q1 = ql[d + 1], q2 = ql[d + 2], q3 = ql[d + 3];
                const float o0 = ol[d], o1 = ol[d + 1], o2 = ol[d + 2], o3 = ol[d + 3];
#pragma unroll
                for (int r = 0; r < R; r++) {
                    const float4 kv = *reinterpret_cast<const float4*>(kw + r * LD + d);
                    const float4 vv = *reinterpret_cast<const float4*>(vw + r * LD + d);
                    s[r] = fmaf(q3, kv.w, fmaf(q2, kv.z, fmaf(q1, kv.y, fmaf(q0, kv.x, s[r]))));
                    dp[r] = fmaf(o3, vv.w, fmaf(o2, vv.z, fmaf(o1, vv.y, fmaf(o0, vv.x, dp[r]))));
                }
            }
#pragma unroll
            for (int r = 0; r < R; r++) {
                const float p = lane < nq ? expf(s[r] - li) : 0.0f;
                pw[r * KT + lane] = p;
                sw[r * KT + lane] = p * (dp[r] - di);
            }
            __syncwarp();
            for (int ii = 0; ii < nq; ii++) {
                float qv[DC], ov[DC];
#pragma unroll
                for (int j = 0; j < DC; j++) {
                    qv[j] = Qs[ii * LDO + lane + 32 * j];
                    ov[j] = Os[ii * LDO + lane + 32 * j];
                }
#pragma unroll
                for (int r = 0; r < R; r++) {
                    const float p = pw[r * KT + ii], ds = sw[r * KT + ii];
#pragma unroll
                    for (int j = 0; j < DC; j++) {
                        av[r][j] = fmaf(p, ov[j], av[r][j]);
                        ak[r][j] = fmaf(ds, qv[j], ak[r][j]);
                    }
                }
            }
        }
#pragma unroll
        for (int r = 0; r < R; r++) {
            const int key = warp * R + r;
            if (key < keys) {
                float* dk = gk + attn_row(ph, h, k0 + key, tk, 1, dh);
                float* dv = gv + attn_row(ph, h, k0 + key, tk, 2, dh);
#pragma unroll
                for (int j = 0; j < DC; j++) {
                    const int c = lane + 32 * j;
                    if (c < dh) {
                        dk[c] = ak[r][j];
                        dv[c] = av[r][j];
                    }
                }
            }
        }
    }
}

extern "C" __global__ void attn_bwd_dot(const float* o, const float* go, float* dvec, int rows, int dh, int tq, int ph) {
    const int lane = threadIdx.x & 31;
    const long long first = (static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
    const long long stride = (static_cast<long long>(gridDim.x) * blockDim.x) >> 5;
    for (long long row = first; row < rows; row += stride) {
        const long long at = attn_row(ph, static_cast<int>(row / tq), static_cast<int>(row % tq), tq, -1, dh);
        const float* a = o + at;
        const float* b = go + at;
        float acc = 0.0f;
        for (int c = lane; c < dh; c += 32) acc = fmaf(b[c], a[c], acc);
        acc = warp_reduce(R_SUM, acc);
        if (lane == 0) dvec[row] = acc;
    }
}

// The instantiations, one line each (the emulator's build finds kernels by their declaration line).
#define ATTN_FWD_ARGS const float* q, const float* k, const float* v, float* o, float* lse, int heads, int tq, int tk, int dh, float scale, int ph
#define ATTN_DQ_ARGS const float* q, const float* k, const float* v, const float* go, const float* lse, const float* dvec, float* gq, int heads, int tq, int tk, int dh, float scale, int ph
#define ATTN_DKDV_ARGS const float* q, const float* k, const float* v, const float* go, const float* lse, const float* dvec, float* gk, float* gv, int heads, int tq, int tk, int dh, float scale, int ph

extern "C" __global__ void __launch_bounds__(128) attn_fwd_d1(ATTN_FWD_ARGS) { attn_fwd_body<1, 8>(q, k, v, o, lse, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_fwd_d2(ATTN_FWD_ARGS) { attn_fwd_body<2, 8>(q, k, v, o, lse, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_fwd_d3(ATTN_FWD_ARGS) { attn_fwd_body<3, 4>(q, k, v, o, lse, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_fwd_d4(ATTN_FWD_ARGS) { attn_fwd_body<4, 4>(q, k, v, o, lse, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_fwd_d8(ATTN_FWD_ARGS) { attn_fwd_body<8, 2>(q, k, v, o, lse, heads, tq, tk, dh, scale, ph); }

extern "C" __global__ void __launch_bounds__(128) attn_bwd_dq_d1(ATTN_DQ_ARGS) { attn_bwd_dq_body<1, 8>(q, k, v, go, lse, dvec, gq, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_bwd_dq_d2(ATTN_DQ_ARGS) { attn_bwd_dq_body<2, 8>(q, k, v, go, lse, dvec, gq, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_bwd_dq_d3(ATTN_DQ_ARGS) { attn_bwd_dq_body<3, 4>(q, k, v, go, lse, dvec, gq, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_bwd_dq_d4(ATTN_DQ_ARGS) { attn_bwd_dq_body<4, 4>(q, k, v, go, lse, dvec, gq, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_bwd_dq_d8(ATTN_DQ_ARGS) { attn_bwd_dq_body<8, 2>(q, k, v, go, lse, dvec, gq, heads, tq, tk, dh, scale, ph); }

extern "C" __global__ void __launch_bounds__(128) attn_bwd_dkdv_d1(ATTN_DKDV_ARGS) { attn_bwd_dkdv_body<1, 8>(q, k, v, go, lse, dvec, gk, gv, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_bwd_dkdv_d2(ATTN_DKDV_ARGS) { attn_bwd_dkdv_body<2, 8>(q, k, v, go, lse, dvec, gk, gv, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_bwd_dkdv_d3(ATTN_DKDV_ARGS) { attn_bwd_dkdv_body<3, 4>(q, k, v, go, lse, dvec, gk, gv, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_bwd_dkdv_d4(ATTN_DKDV_ARGS) { attn_bwd_dkdv_body<4, 4>(q, k, v, go, lse, dvec, gk, gv, heads, tq, tk, dh, scale, ph); }
extern "C" __global__ void __launch_bounds__(128) attn_bwd_dkdv_d8(ATTN_DKDV_ARGS) { attn_bwd_dkdv_body<8, 2>(q, k, v, go, lse, dvec, gk, gv, heads, tq, tk, dh, scale, ph); }
