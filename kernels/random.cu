// random.cu: the random family of the CUDA backend (rrcm.backend.cuda.CudaRandom; the CPU's twin is
// rrcm.backend.cpu.CpuRandom), bit-identical to the CPU backend's (rrcm.backend.Philox and rrcm.backend.BoxMuller) for the same (seed, stream, counter).
//
// Kernels. Grid-stride loops over Philox blocks, so any grid is correct; 256-thread blocks.
//   philox_normal(out, n, seed, stream, counter, mean, std)
//       element i = mean + std * z, z the standard normal of lane i % 4 of Philox block counter + i / 4
//       (lanes 0, 1 from words 0, 1 and lanes 2, 3 from words 2, 3, each pair by Box-Muller: cosine
//       branch first), computed as fmaf(z, std, mean)
//   philox_uniform(out, n, seed, stream, counter, low, width)
//       element i = fmaf(u, width, low), u = (word >> 8) / 2^24 in [0, 1); width = high - low, rounded
//       on the host as the CPU backend rounds it
//   philox_noisy_copies(base, out, pixels, stride, n, seed, stream, counter, std)
//       out (n, pixels): out[i, p] = fmaf(z, std, 0) + base[p], z the normal of element i * stride + p
//       (stride a multiple of 4: copy i starts at block counter + i * stride / 4); the noise injection
//       of randomized smoothing in one pass, the same bits as philox_normal of (n, stride) narrowed to
//       pixels and added to base
//   noise_levels(x, z, n, levels, lv, o0 .. o7)
//       the training form: o_l = (x + lv.t[l] z) lv.scale[l] for l < levels (at most 8 per launch; the
//       levels travel by value in the launch's parameters, so a training step uploads nothing for them),
//       rounded as the three separate ops; one read of x and z for all levels
// Each thread makes whole blocks: four outputs, one float4 store when the block is complete and out is
// 16-byte aligned, else element by element up to n.
//
// Philox4x32-10: key (seed low, seed high), counter block (counter low, counter high, stream low,
// stream high), ten rounds with the multipliers 0xD2511F53, 0xCD9E8D57 and the Weyl increments
// 0x9E3779B9, 0xBB67AE85 (Salmon et al., SC'11). The 32x32 -> 64-bit products are plain 64-bit
// multiplications (mul.wide.u32).
//
// Why every multiply and add below is spelled __fmul_rn / __fadd_rn: nvcc contracts a * b + c into one
// fused multiply-add unless told not to, which rounds once where Java rounds twice. These intrinsics are
// never contracted, so each operation rounds exactly as the Java code's does; fmaf appears only where
// the Java code calls Math.fma. Division and sqrtf are IEEE round-to-nearest (no fast-math flags). The
// logarithm, sine and cosine are the same polynomials as BoxMuller's, not CUDA's library functions.
#include "common.cuh"

struct PhiloxWords {
    unsigned int w0, w1, w2, w3;
};

__device__ __forceinline__ PhiloxWords philox_block(unsigned long long seed, unsigned long long stream,
                                                    unsigned long long counter) {
    unsigned int c0 = static_cast<unsigned int>(counter), c1 = static_cast<unsigned int>(counter >> 32);
    unsigned int c2 = static_cast<unsigned int>(stream), c3 = static_cast<unsigned int>(stream >> 32);
    unsigned int k0 = static_cast<unsigned int>(seed), k1 = static_cast<unsigned int>(seed >> 32);
    for (int round = 0; round < 10; round++) {
        unsigned long long p0 = static_cast<unsigned long long>(0xD2511F53u) * c0;
        unsigned long long p1 = static_cast<unsigned long long>(0xCD9E8D57u) * c2;
        unsigned int n0 = static_cast<unsigned int>(p1 >> 32) ^ c1 ^ k0;
        unsigned int n2 = static_cast<unsigned int>(p0 >> 32) ^ c3 ^ k1;
        c1 = static_cast<unsigned int>(p1);
        c3 = static_cast<unsigned int>(p0);
        c0 = n0;
        c2 = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    return PhiloxWords{c0, c1, c2, c3};
}

// ln u for u in (0, 1]: u = m 2^e, m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s), s = (m - 1) / (m + 1).
__device__ __forceinline__ float log_unit(float u) {
    int bits = __float_as_int(u);
    int e = ((bits >> 23) & 0xFF) - 127;
    float m = __int_as_float((bits & 0x007FFFFF) | 0x3F800000);
    if (m > 1.41421356f) {
        m = __fmul_rn(m, 0.5f);
        e += 1;
    }
    float f = __fadd_rn(m, -1.0f);
    float s = f / __fadd_rn(2.0f, f);
    float z = __fmul_rn(s, s);
    float poly = fmaf(z, fmaf(z, fmaf(z, fmaf(z, fmaf(z, 2.0f / 11.0f, 2.0f / 9.0f), 2.0f / 7.0f), 2.0f / 5.0f),
                                2.0f / 3.0f), 2.0f);
    float ln_m = __fmul_rn(s, poly);
    float ef = static_cast<float>(e);
    return fmaf(ef, 0.693145751953125f, fmaf(ef, 1.42860682030941723212e-6f, ln_m));
}

// The two normals of words (a, b): radius from a, angle 2 pi (b >> 8) / 2^24 reduced in integers to a
// quarter turn q and |x| <= pi / 4, then the sine and cosine polynomials.
__device__ __forceinline__ float2 box_muller(unsigned int a, unsigned int b) {
    const float two_pow_m24 = 5.9604644775390625e-8f; // 2^-24
    float u = __fmul_rn(static_cast<float>((a >> 8) + 1u), two_pow_m24);
    float r = sqrtf(__fmul_rn(-2.0f, log_unit(u)));
    int n = static_cast<int>(b >> 8);
    int q = static_cast<int>(static_cast<unsigned int>(n + (1 << 21)) >> 22);
    int rem = n - (q << 22);
    float x = __fmul_rn(__fmul_rn(static_cast<float>(rem), two_pow_m24), 6.28318530717958647692f);
    float x2 = __fmul_rn(x, x);
    float sin_x = __fmul_rn(x, fmaf(x2, fmaf(x2, fmaf(x2, fmaf(x2, 1.0f / 362880.0f, -1.0f / 5040.0f), 1.0f / 120.0f),
                                             -1.0f / 6.0f), 1.0f));
    float cos_x = fmaf(x2, fmaf(x2, fmaf(x2, fmaf(x2, fmaf(x2, -1.0f / 3628800.0f, 1.0f / 40320.0f), -1.0f / 720.0f),
                                       1.0f / 24.0f), -0.5f), 1.0f);
    float c, s;
    switch (q & 3) {
        case 0: c = cos_x; s = sin_x; break;
        case 1: c = -sin_x; s = cos_x; break;
        case 2: c = -cos_x; s = -sin_x; break;
        default: c = sin_x; s = -cos_x; break;
    }
    return make_float2(__fmul_rn(r, c), __fmul_rn(r, s));
}

__device__ __forceinline__ void store_block(float* out, long long at, long long n, float v0, float v1, float v2, float v3,
                                            bool vec) {
    if (vec && at + 4 <= n) {
        *reinterpret_cast<float4*>(out + at) = make_float4(v0, v1, v2, v3);
        return;
    }
    if (at < n) out[at] = v0;
    if (at + 1 < n) out[at + 1] = v1;
    if (at + 2 < n) out[at + 2] = v2;
    if (at + 3 < n) out[at + 3] = v3;
}

extern "C" __global__ void philox_normal(float* out, long long n, unsigned long long seed, unsigned long long stream, unsigned long long counter, float mean, float std) {
    long long blocks = (n + 3) / 4;
    bool vec = aligned16(out);
    for (long long blk = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; blk < blocks;
         blk += static_cast<long long>(gridDim.x) * blockDim.x) {
        PhiloxWords w = philox_block(seed, stream, counter + static_cast<unsigned long long>(blk));
        float2 z01 = box_muller(w.w0, w.w1), z23 = box_muller(w.w2, w.w3);
        store_block(out, blk * 4, n, fmaf(z01.x, std, mean), fmaf(z01.y, std, mean), fmaf(z23.x, std, mean),
                    fmaf(z23.y, std, mean), vec);
    }
}

extern "C" __global__ void philox_uniform(float* out, long long n, unsigned long long seed, unsigned long long stream, unsigned long long counter, float low, float width) {
    const float two_pow_m24 = 5.9604644775390625e-8f;
    long long blocks = (n + 3) / 4;
    bool vec = aligned16(out);
    for (long long blk = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; blk < blocks;
         blk += static_cast<long long>(gridDim.x) * blockDim.x) {
        PhiloxWords w = philox_block(seed, stream, counter + static_cast<unsigned long long>(blk));
        float u0 = __fmul_rn(static_cast<float>(w.w0 >> 8), two_pow_m24), u1 = __fmul_rn(static_cast<float>(w.w1 >> 8), two_pow_m24);
        float u2 = __fmul_rn(static_cast<float>(w.w2 >> 8), two_pow_m24), u3 = __fmul_rn(static_cast<float>(w.w3 >> 8), two_pow_m24);
        store_block(out, blk * 4, n, fmaf(u0, width, low), fmaf(u1, width, low), fmaf(u2, width, low), fmaf(u3, width, low),
                    vec);
    }
}

extern "C" __global__ void philox_noisy_copies(const float* base, float* out, int pixels, int stride, int n, unsigned long long seed, unsigned long long stream, unsigned long long counter, float std) {
    int per_copy = (pixels + 3) / 4; // blocks that reach a pixel; the rest of the stride is skipped
    long long blocks = static_cast<long long>(n) * per_copy;
    for (long long t = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; t < blocks;
         t += static_cast<long long>(gridDim.x) * blockDim.x) {
        long long i = t / per_copy;
        int b = static_cast<int>(t - i * per_copy);
        PhiloxWords w = philox_block(seed, stream, counter + static_cast<unsigned long long>(i * (stride / 4) + b));
        float2 z01 = box_muller(w.w0, w.w1), z23 = box_muller(w.w2, w.w3);
        float z[4] = {z01.x, z01.y, z23.x, z23.y};
        float* row = out + i * pixels;
        for (int l = 0; l < 4; l++) {
            int p = 4 * b + l;
            if (p < pixels) row[p] = __fadd_rn(fmaf(z[l], std, 0.0f), base[p]);
        }
    }
}

// The noise levels of one noise_levels launch (unused entries are zero).
struct NoiseLevels {
    float t[8];
    float scale[8];
};

extern "C" __global__ void noise_levels(const float* x, const float* z, long long n, int levels, NoiseLevels lv, float* o0, float* o1, float* o2, float* o3, float* o4, float* o5, float* o6, float* o7) {
    float* out[8] = {o0, o1, o2, o3, o4, o5, o6, o7};
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<long long>(gridDim.x) * blockDim.x) {
        float xi = x[i], zi = z[i];
#pragma unroll
        for (int l = 0; l < 8; l++) {
            if (l < levels) out[l][i] = __fmul_rn(__fadd_rn(xi, __fmul_rn(zi, lv.t[l])), lv.scale[l]);
        }
    }
}
