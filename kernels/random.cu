// random.cu: the random family of the CUDA backend (rrcm.backend.cuda.CudaRandom; the CPU's twin is
// rrcm.backend.cpu.CpuRandom), bit-identical to the CPU backend's (rrcm.backend.Philox and rrcm.backend.BoxMuller) for the same (seed, stream, counter).
//
// Kernels. Grid-stride loops over Philox blocks, so any grid is correct; 256-thread blocks.
//   philox_normal(out, n, seed, stream, counter, mean, std)
//       element i = mean + std * z, z the standard normal of lane i % 4 of Philox block counter + i / 4
//       (lanes 0, 1 from words 0, 1 and lanes 2, 3 from words 2, 3, each pair by Box-Muller: cosine
//       branch first; the radius's uniform from 40 bits of the pair, or, once in 2^40, 32 more from the
//       fallback block, see random.cuh), computed as fmaf(z, std, mean)
//   philox_uniform(out, n, seed, stream, counter, low, width)
//       element i = fmaf(u, width, low), u = (word >> 8) / 2^24 in [0, 1); width = high - low, rounded
//       on the host as the CPU backend rounds it
//   philox_noisy_copies(base, out, pixels, stride, n, seed, stream, counter, std)
//       out (n, pixels): out[i, p] = fmaf(z, std, 0) + base[p], z the normal of element i * stride + p
//       (stride a multiple of 4: copy i starts at block counter + i * stride / 4); the noise injection
//       of randomized smoothing in one pass, the same bits as philox_normal of (n, stride) narrowed to
//       pixels and added to base. Grid (x, y): y strides over the copies, x over a copy's blocks of four
//       pixels, so no thread divides; a copy of whole float4s (pixels % 4 == 0, aligned) is stored as
//       float4s
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
#include "random.cuh"

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
        unsigned long long block = counter + static_cast<unsigned long long>(blk);
        PhiloxWords w = philox_block(seed, stream, block);
        float2 z01 = box_muller(w.w0, w.w1, seed, stream, block, 0), z23 = box_muller(w.w2, w.w3, seed, stream, block, 1);
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
    // rows of 16-byte-aligned float4s when the copies and the base allow: copy i starts 4 * i * pixels bytes in
    bool vec = aligned16(out) && aligned16(base) && pixels % 4 == 0;
    for (int i = blockIdx.y; i < n; i += gridDim.y) {
        float* row = out + static_cast<long long>(i) * pixels;
        unsigned long long first = counter + static_cast<unsigned long long>(i) * static_cast<unsigned long long>(stride / 4);
        for (int b = blockIdx.x * blockDim.x + threadIdx.x; b < per_copy; b += gridDim.x * blockDim.x) {
            unsigned long long block = first + static_cast<unsigned long long>(b);
            PhiloxWords w = philox_block(seed, stream, block);
            float2 z01 = box_muller(w.w0, w.w1, seed, stream, block, 0), z23 = box_muller(w.w2, w.w3, seed, stream, block, 1);
            float z[4] = {z01.x, z01.y, z23.x, z23.y};
            if (vec) {
                float4 bv = reinterpret_cast<const float4*>(base)[b];
                reinterpret_cast<float4*>(row)[b] = make_float4(__fadd_rn(fmaf(z[0], std, 0.0f), bv.x),
                        __fadd_rn(fmaf(z[1], std, 0.0f), bv.y), __fadd_rn(fmaf(z[2], std, 0.0f), bv.z),
                        __fadd_rn(fmaf(z[3], std, 0.0f), bv.w));
                continue;
            }
            for (int l = 0; l < 4; l++) {
                int p = 4 * b + l;
                if (p < pixels) row[p] = __fadd_rn(fmaf(z[l], std, 0.0f), base[p]);
            }
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
