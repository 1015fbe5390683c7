// elementwise.cu: the elementwise family of the CUDA backend (rrcm.backend.cuda.CudaElementwise; the
// CPU's twin is rrcm.backend.cpu.CpuElementwise), and the fills and conversions of CudaRuntime's storage.
//
// Kernels. All are grid-stride loops, so any grid is correct; CudaRuntime launches 256-thread blocks,
// at most 8 per multiprocessor. n < 2^31.
//   ew_unary(op, x, y, n)               y = f(x) (UnaryCode); y may be x
//   ew_unary_backward(op, t, gy, gx, n) gx = gy * f'; t is y = f(x) for EXP, SQRT, TANH, SIGMOID (the
//                                       derivative written through the output) and x for the others
//   ew_scalar(op, x, s, y, n)           y = f(x, s) (ScalarCode)
//   ew_binary(op, a, b, out, d, vec)    out = f(a, b) (BinaryCode) with NumPy broadcasting: d is the
//                                       output shape with each operand's strides (Broadcast); out is
//                                       contiguous and may alias an operand of the same shape
//   ew_expand(src, dst, d, vec)         dst = src broadcast to d (src strides in d.stride_a)
//   ew_fill_f32(out, v, n), ew_fill_i32(out, v, n)
//   ew_f32_to_i32(x, y, n)              truncation toward zero, saturating, NaN to 0: Java's (int) cast
//                                       and the device's cvt.rzi, written out so the host agrees
//   ew_i32_to_f32(x, y, n)
// Vector accesses: the unary, scalar and fill kernels use float4 for the aligned bulk when every
// pointer is 16-byte aligned, then finish the tail one by one. ew_binary and ew_expand with vec = 1
// (the innermost merged size is a multiple of 4; an operand's innermost stride is then 0 or 1) give
// each thread 4 neighbours: float4 loads of the operands that run along the axis, one load of those
// broadcast along it, a float4 store.
//
// Math: GELU is exact, x * Phi(x) with Phi(x) = (1 + erf(x / sqrt 2)) / 2, and its derivative
// Phi(x) + x * exp(-x^2 / 2) / sqrt(2 pi). expf, logf, tanhf, erff and powf are CUDA's (within 2 ulp;
// the CPU backend's own exp and Phi differ by a few ulp, which the tests allow for). max and min
// follow Java (common.cuh). Comparisons give 1.0 or 0.0.
#include "common.cuh"

__device__ __forceinline__ float phi_cdf(float x) {
    return 0.5f * (1.0f + erff(x * 0.70710678118654752f));
}

__device__ __forceinline__ float unary_f(int op, float v) {
    switch (op) {
        case U_NEG: return -v;
        case U_EXP: return expf(v);
        case U_LOG: return logf(v);
        case U_SQRT: return sqrtf(v);
        case U_RELU: return jmax(v, 0.0f);
        case U_GELU: return v * phi_cdf(v);
        case U_TANH: return tanhf(v);
        case U_SIGMOID: return 1.0f / (1.0f + expf(-v));
        default: return fabsf(v);
    }
}

// f' at t (x or y, see the file comment), times gy
__device__ __forceinline__ float unary_grad(int op, float t, float gy) {
    float d;
    switch (op) {
        case U_NEG: d = -1.0f; break;
        case U_EXP: d = t; break;
        case U_LOG: d = 1.0f / t; break;
        case U_SQRT: d = 0.5f / t; break;
        case U_RELU: d = t > 0.0f ? 1.0f : 0.0f; break;
        case U_GELU: d = phi_cdf(t) + t * expf(-0.5f * t * t) * 0.39894228040143268f; break;
        case U_TANH: d = 1.0f - t * t; break;
        case U_SIGMOID: d = t * (1.0f - t); break;
        default: d = t > 0.0f ? 1.0f : t < 0.0f ? -1.0f : 0.0f; break;
    }
    return gy * d;
}

__device__ __forceinline__ float scalar_f(int op, float x, float s) {
    switch (op) {
        case S_ADD: return x + s;
        case S_MUL: return x * s;
        case S_DIV: return x / s;
        case S_RSUB: return s - x;
        case S_RDIV: return s / x;
        case S_POW: return s == 2.0f ? x * x : s == 0.5f ? sqrtf(x) : powf(x, s);
        case S_MAX: return jmax(x, s);
        default: return jmin(x, s);
    }
}

__device__ __forceinline__ float binary_f(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_MAX: return jmax(a, b);
        case B_MIN: return jmin(a, b);
        case B_EQ: return a == b ? 1.0f : 0.0f;
        default: return a > b ? 1.0f : 0.0f;
    }
}

__device__ __forceinline__ long long first_index() {
    return static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long grid_stride() {
    return static_cast<long long>(gridDim.x) * blockDim.x;
}

extern "C" __global__ void ew_unary(int op, const float* x, float* y, int n) {
    long long done = 0;
    if (aligned16(x) && aligned16(y)) {
        const float4* x4 = reinterpret_cast<const float4*>(x);
        float4* y4 = reinterpret_cast<float4*>(y);
        long long n4 = n / 4;
        for (long long i = first_index(); i < n4; i += grid_stride()) {
            float4 v = x4[i];
            v.x = unary_f(op, v.x);
            v.y = unary_f(op, v.y);
            v.z = unary_f(op, v.z);
            v.w = unary_f(op, v.w);
            y4[i] = v;
        }
        done = 4 * n4;
    }
    for (long long i = done + first_index(); i < n; i += grid_stride()) y[i] = unary_f(op, x[i]);
}

extern "C" __global__ void ew_unary_backward(int op, const float* t, const float* gy, float* gx, int n) {
    long long done = 0;
    if (aligned16(t) && aligned16(gy) && aligned16(gx)) {
        const float4* t4 = reinterpret_cast<const float4*>(t);
        const float4* g4 = reinterpret_cast<const float4*>(gy);
        float4* o4 = reinterpret_cast<float4*>(gx);
        long long n4 = n / 4;
        for (long long i = first_index(); i < n4; i += grid_stride()) {
            float4 v = t4[i], g = g4[i], r;
            r.x = unary_grad(op, v.x, g.x);
            r.y = unary_grad(op, v.y, g.y);
            r.z = unary_grad(op, v.z, g.z);
            r.w = unary_grad(op, v.w, g.w);
            o4[i] = r;
        }
        done = 4 * n4;
    }
    for (long long i = done + first_index(); i < n; i += grid_stride()) gx[i] = unary_grad(op, t[i], gy[i]);
}

extern "C" __global__ void ew_scalar(int op, const float* x, float s, float* y, int n) {
    long long done = 0;
    if (aligned16(x) && aligned16(y)) {
        const float4* x4 = reinterpret_cast<const float4*>(x);
        float4* y4 = reinterpret_cast<float4*>(y);
        long long n4 = n / 4;
        for (long long i = first_index(); i < n4; i += grid_stride()) {
            float4 v = x4[i];
            v.x = scalar_f(op, v.x, s);
            v.y = scalar_f(op, v.y, s);
            v.z = scalar_f(op, v.z, s);
            v.w = scalar_f(op, v.w, s);
            y4[i] = v;
        }
        done = 4 * n4;
    }
    for (long long i = done + first_index(); i < n; i += grid_stride()) y[i] = scalar_f(op, x[i], s);
}

// Offsets of output element e in a and b. The loop is unrolled over the fixed maximum rank so that
// the descriptor's arrays are indexed by constants and stay in parameter space.
__device__ __forceinline__ void broadcast_offsets(const Broadcast& d, int e, int& oa, int& ob) {
    oa = 0;
    ob = 0;
#pragma unroll
    for (int k = RRCM_MAX_DIMS - 1; k >= 0; k--) {
        if (k < d.rank) {
            int s = d.size[k];
            int q = e / s;
            int r = e - q * s;
            oa += r * d.stride_a[k];
            ob += r * d.stride_b[k];
            e = q;
        }
    }
}

__device__ __forceinline__ float4 load4(const float* p, int offset, int inner_stride) {
    if (inner_stride == 0) {
        float v = p[offset];
        return make_float4(v, v, v, v);
    }
    return *reinterpret_cast<const float4*>(p + offset);
}

__device__ __forceinline__ int total(const Broadcast& d) {
    int n = 1;
#pragma unroll
    for (int k = 0; k < RRCM_MAX_DIMS; k++) {
        if (k < d.rank) n *= d.size[k];
    }
    return n;
}

extern "C" __global__ void ew_binary(int op, const float* a, const float* b, float* out, Broadcast d, int vec) {
    int n = total(d);
    if (vec && aligned16(a) && aligned16(b) && aligned16(out)) {
        int sa = d.stride_a[d.rank - 1], sb = d.stride_b[d.rank - 1];
        for (long long g = first_index(); g < n / 4; g += grid_stride()) {
            int e = static_cast<int>(4 * g), oa, ob;
            broadcast_offsets(d, e, oa, ob);
            float4 x = load4(a, oa, sa), y = load4(b, ob, sb), r;
            r.x = binary_f(op, x.x, y.x);
            r.y = binary_f(op, x.y, y.y);
            r.z = binary_f(op, x.z, y.z);
            r.w = binary_f(op, x.w, y.w);
            *reinterpret_cast<float4*>(out + e) = r;
        }
        return;
    }
    for (long long i = first_index(); i < n; i += grid_stride()) {
        int oa, ob;
        broadcast_offsets(d, static_cast<int>(i), oa, ob);
        out[i] = binary_f(op, a[oa], b[ob]);
    }
}

extern "C" __global__ void ew_expand(const float* src, float* dst, Broadcast d, int vec) {
    int n = total(d);
    if (vec && aligned16(src) && aligned16(dst)) {
        int sa = d.stride_a[d.rank - 1];
        for (long long g = first_index(); g < n / 4; g += grid_stride()) {
            int e = static_cast<int>(4 * g), oa, ob;
            broadcast_offsets(d, e, oa, ob);
            *reinterpret_cast<float4*>(dst + e) = load4(src, oa, sa);
        }
        return;
    }
    for (long long i = first_index(); i < n; i += grid_stride()) {
        int oa, ob;
        broadcast_offsets(d, static_cast<int>(i), oa, ob);
        dst[i] = src[oa];
    }
}

extern "C" __global__ void ew_fill_f32(float* out, float v, int n) {
    long long done = 0;
    if (aligned16(out)) {
        float4* o4 = reinterpret_cast<float4*>(out);
        for (long long i = first_index(); i < n / 4; i += grid_stride()) o4[i] = make_float4(v, v, v, v);
        done = 4 * (n / 4);
    }
    for (long long i = done + first_index(); i < n; i += grid_stride()) out[i] = v;
}

extern "C" __global__ void ew_fill_i32(int* out, int v, int n) {
    for (long long i = first_index(); i < n; i += grid_stride()) out[i] = v;
}

extern "C" __global__ void ew_f32_to_i32(const float* x, int* y, int n) {
    for (long long i = first_index(); i < n; i += grid_stride()) {
        float v = x[i];
        y[i] = v != v ? 0 : v >= 2147483648.0f ? 2147483647 : v <= -2147483648.0f ? (-2147483647 - 1) : static_cast<int>(v);
    }
}

extern "C" __global__ void ew_i32_to_f32(const int* x, float* y, int n) {
    for (long long i = first_index(); i < n; i += grid_stride()) y[i] = static_cast<float>(x[i]);
}
