// random.cuh: the device functions of the random family (kernels/random.cu), shared with the emulator's
// test kernels: Philox4x32-10, and Box-Muller with the CPU backend's operations (rrcm.backend.Philox,
// rrcm.backend.BoxMuller), each spelled so that it rounds as the Java code rounds (see random.cu).
#pragma once
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

// The radius's uniform in (0, 1]: (2X + 1) / 2^41 with X = a 2^8 + (b & 0xFF), made exactly in double and
// rounded once to float; when those 40 bits are all zero (once in 2^40 pairs), (2Y + 1) / 2^73 with Y the
// fallback word (rrcm.backend.BoxMuller.radiusUniform).
__device__ __forceinline__ float radius_uniform(unsigned int a, unsigned int b, unsigned int fallback) {
    if (a != 0u || (b & 0xFFu) != 0u) {
        double y = static_cast<double>(a) * 512.0 + static_cast<double>(2u * (b & 0xFFu) + 1u);
        return __fmul_rn(__double2float_rn(y), 0x1p-41f);
    }
    double y = static_cast<double>(fallback) * 2.0 + 1.0;
    return __fmul_rn(__double2float_rn(y), 0x1p-73f);
}

// The two normals of a radius uniform u and an angle word b: angle 2 pi (b >> 8) / 2^24 reduced in integers
// to a quarter turn q and |x| <= pi / 4, then the sine and cosine polynomials.
__device__ __forceinline__ float2 box_muller_u(float u, unsigned int b) {
    const float two_pow_m24 = 5.9604644775390625e-8f; // 2^-24
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


// The two normals of pair p (words 0, 1 or 2, 3) of Philox block `block`: the fallback block (the same
// counter with its top bit set) is made only in the rare case that needs its word.
__device__ __forceinline__ float2 box_muller(unsigned int a, unsigned int b, unsigned long long seed,
                                             unsigned long long stream, unsigned long long block, int p) {
    unsigned int fallback = 0u;
    if (a == 0u && (b & 0xFFu) == 0u) {
        PhiloxWords f = philox_block(seed, stream, block ^ 0x8000000000000000ull);
        fallback = p == 0 ? f.w0 : f.w1;
    }
    return box_muller_u(radius_uniform(a, b, fallback), b);
}
