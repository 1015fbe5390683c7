// updates.cu: the updates family of the CUDA backend (rrcm.backend.cuda.CudaUpdates), in-place updates
// bit-identical to the CPU backend's (rrcm.backend.cpu.CpuUpdates).
//
// Kernels. Grid-stride loops; 256-thread blocks; one float4 per thread and step where every pointer is
// 16-byte aligned, then the tail one by one.
//   adamw(p, g, m, v, n, decay, step_size, sqrt_bias2, w1, beta2, w2, eps)
//       torch.optim.AdamW's single-tensor arithmetic, in the CPU backend's order:
//         m = m + w1 (g - m)                  (lerp; w1 = 1 - beta1)
//         v = v beta2 + (g g) w2              (w2 = 1 - beta2)
//         p = p decay - step_size (m / (sqrt(v) / sqrt_bias2 + eps))
//       with decay = 1 - lr wd, step_size = lr / bias1 and sqrt_bias2 = sqrt(bias2) rounded on the host
//       as the CPU backend rounds them.
//   adamw_all(table, chunks, count, rates, lr, bias1, sqrt_bias2, w1, beta2, w2, eps)
//       adamw over a list of tensors in one launch: table holds (p, g, m, v) addresses for each tensor,
//       chunks `count` triples (tensor, first element, length <= 4096) that cover every tensor, rates
//       (lr scale, weight decay) per tensor (kept on the device between steps; lr and bias1 come by
//       value, the host's roundings redone). Blocks take chunks in turn (c = blockIdx.x, then + gridDim.x)
//       and their threads stride over a chunk's elements: no thread searches for its tensor.
//   pointer_table(table, slot, count, a0 .. a7)
//       table[slot + i] = the address of a_i, i < count: how the host, which holds buffers rather than
//       addresses, fills the table of adamw_all (once for a parameter list: its storages do not change)
//   axpby_all(table, chunks, count, a, b)
//       axpby over a list of (y, x) pairs in one launch (table: two addresses per pair; chunks as for
//       adamw_all), e.g. an EMA
//   axpby(y, x, n, a, b)                  y = a y + b x
// Every product and sum is __fmul_rn / __fadd_rn (never contracted into an fma, see random.cu), the
// division and the square root are IEEE round-to-nearest: the same roundings as the Java code.
#include "common.cuh"

__device__ __forceinline__ void adamw_one(float& p, float g, float& m, float& v, float decay, float step_size,
                                          float sqrt_bias2, float w1, float beta2, float w2, float eps) {
    float mi = __fadd_rn(m, __fmul_rn(w1, __fadd_rn(g, -m)));
    float vi = __fadd_rn(__fmul_rn(v, beta2), __fmul_rn(__fmul_rn(g, g), w2));
    m = mi;
    v = vi;
    float denom = __fadd_rn(sqrtf(vi) / sqrt_bias2, eps);
    p = __fadd_rn(__fmul_rn(p, decay), -__fmul_rn(step_size, mi / denom));
}

extern "C" __global__ void adamw(float* p, const float* g, float* m, float* v, long long n, float decay, float step_size, float sqrt_bias2, float w1, float beta2, float w2, float eps) {
    long long tid = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
    long long threads = static_cast<long long>(gridDim.x) * blockDim.x;
    long long done = 0;
    if (aligned16(p) && aligned16(g) && aligned16(m) && aligned16(v)) {
        long long quads = n / 4;
        for (long long q = tid; q < quads; q += threads) {
            float4 pp = reinterpret_cast<float4*>(p)[q], mm = reinterpret_cast<float4*>(m)[q];
            float4 vv = reinterpret_cast<float4*>(v)[q];
            float4 gg = reinterpret_cast<const float4*>(g)[q];
            adamw_one(pp.x, gg.x, mm.x, vv.x, decay, step_size, sqrt_bias2, w1, beta2, w2, eps);
            adamw_one(pp.y, gg.y, mm.y, vv.y, decay, step_size, sqrt_bias2, w1, beta2, w2, eps);
            adamw_one(pp.z, gg.z, mm.z, vv.z, decay, step_size, sqrt_bias2, w1, beta2, w2, eps);
            adamw_one(pp.w, gg.w, mm.w, vv.w, decay, step_size, sqrt_bias2, w1, beta2, w2, eps);
            reinterpret_cast<float4*>(p)[q] = pp;
            reinterpret_cast<float4*>(m)[q] = mm;
            reinterpret_cast<float4*>(v)[q] = vv;
        }
        done = quads * 4;
    }
    for (long long i = done + tid; i < n; i += threads) {
        float pi = p[i], mi = m[i], vi = v[i];
        adamw_one(pi, g[i], mi, vi, decay, step_size, sqrt_bias2, w1, beta2, w2, eps);
        p[i] = pi;
        m[i] = mi;
        v[i] = vi;
    }
}

extern "C" __global__ void axpby(float* y, const float* x, long long n, float a, float b) {
    long long tid = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
    long long threads = static_cast<long long>(gridDim.x) * blockDim.x;
    long long done = 0;
    if (aligned16(y) && aligned16(x)) {
        long long quads = n / 4;
        for (long long q = tid; q < quads; q += threads) {
            float4 yy = reinterpret_cast<float4*>(y)[q];
            float4 xx = reinterpret_cast<const float4*>(x)[q];
            yy.x = __fadd_rn(__fmul_rn(a, yy.x), __fmul_rn(b, xx.x));
            yy.y = __fadd_rn(__fmul_rn(a, yy.y), __fmul_rn(b, xx.y));
            yy.z = __fadd_rn(__fmul_rn(a, yy.z), __fmul_rn(b, xx.z));
            yy.w = __fadd_rn(__fmul_rn(a, yy.w), __fmul_rn(b, xx.w));
            reinterpret_cast<float4*>(y)[q] = yy;
        }
        done = quads * 4;
    }
    for (long long i = done + tid; i < n; i += threads) y[i] = __fadd_rn(__fmul_rn(a, y[i]), __fmul_rn(b, x[i]));
}

extern "C" __global__ void pointer_table(unsigned long long* table, int slot, int count, const float* a0, const float* a1, const float* a2, const float* a3, const float* a4, const float* a5, const float* a6, const float* a7) {
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    const float* a[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
    for (int i = 0; i < count && i < 8; i++) table[slot + i] = reinterpret_cast<unsigned long long>(a[i]);
}

extern "C" __global__ void axpby_all(const unsigned long long* table, const int* chunks, int count, float a, float b) {
    for (int c = blockIdx.x; c < count; c += gridDim.x) {
        int t = chunks[3 * c], start = chunks[3 * c + 1], len = chunks[3 * c + 2];
        float* y = reinterpret_cast<float*>(table[2 * t]) + start;
        const float* x = reinterpret_cast<const float*>(table[2 * t + 1]) + start;
        for (int i = threadIdx.x; i < len; i += blockDim.x) y[i] = __fadd_rn(__fmul_rn(a, y[i]), __fmul_rn(b, x[i]));
    }
}

extern "C" __global__ void adamw_all(const unsigned long long* table, const int* chunks, int count, const float* rates, float lr, float bias1, float sqrt_bias2, float w1, float beta2, float w2, float eps) {
    for (int c = blockIdx.x; c < count; c += gridDim.x) {
        int t = chunks[3 * c], start = chunks[3 * c + 1], len = chunks[3 * c + 2];
        float* p = reinterpret_cast<float*>(table[4 * t]) + start;
        const float* g = reinterpret_cast<const float*>(table[4 * t + 1]) + start;
        float* m = reinterpret_cast<float*>(table[4 * t + 2]) + start;
        float* v = reinterpret_cast<float*>(table[4 * t + 3]) + start;
        // the host's float steps: lr_t = lr * scale, decay = 1 - lr_t * wd, step size = lr_t / bias1
        float lr_t = __fmul_rn(lr, rates[2 * t]);
        float decay = __fadd_rn(1.0f, -__fmul_rn(lr_t, rates[2 * t + 1]));
        float step_size = lr_t / bias1;
        for (int i = threadIdx.x; i < len; i += blockDim.x) {
            float pi = p[i], mi = m[i], vi = v[i];
            adamw_one(pi, g[i], mi, vi, decay, step_size, sqrt_bias2, w1, beta2, w2, eps);
            p[i] = pi;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
