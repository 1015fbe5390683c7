// common.cuh: what the kernel files share.
//   - op codes; rrcm.backend.cuda.OpCodes holds the same numbers (a test checks both against the
//     emulator's results, so a mismatch cannot pass unnoticed);
//   - the shape descriptors passed by value (structs of 32-bit fields only, packed in the same order
//     by rrcm.backend.cuda);
//   - max and min with Java's semantics (NaN wins, +0 > -0), as the CPU backend, the reference,
//     computes them; fmaxf/fminf would drop NaN;
//   - warp and block reductions (xor-shuffle butterflies: every lane ends with the result).
#pragma once

#define RRCM_MAX_DIMS 8

enum UnaryCode { U_NEG = 0, U_EXP = 1, U_LOG = 2, U_SQRT = 3, U_RELU = 4, U_GELU = 5, U_TANH = 6, U_SIGMOID = 7, U_ABS = 8 };
enum ScalarCode { S_ADD = 0, S_MUL = 1, S_DIV = 2, S_RSUB = 3, S_RDIV = 4, S_POW = 5, S_MAX = 6, S_MIN = 7 };
enum BinaryCode { B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_MAX = 4, B_MIN = 5, B_EQ = 6, B_GT = 7 };
enum ReduceCode { R_SUM = 0, R_MAX = 1, R_MIN = 2 };

// The output shape of a broadcast after dropping size-1 axes and merging neighbours that broadcast
// alike, outermost first; each operand's element strides, 0 along axes it is broadcast on.
struct Broadcast {
    int rank;
    int size[RRCM_MAX_DIMS];
    int stride_a[RRCM_MAX_DIMS];
    int stride_b[RRCM_MAX_DIMS];
};

__device__ __forceinline__ float jmax(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) return __int_as_float(__float_as_int(a) & __float_as_int(b)); // max(-0, +0) = +0
    return a > b ? a : b;
}

__device__ __forceinline__ float jmin(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) return __int_as_float(__float_as_int(a) | __float_as_int(b)); // min(-0, +0) = -0
    return a < b ? a : b;
}

__device__ __forceinline__ bool aligned16(const void* p) {
    return (reinterpret_cast<size_t>(p) & 15) == 0;
}

__device__ __forceinline__ float reduce_identity(int op) {
    return op == R_MAX ? -INFINITY : op == R_MIN ? INFINITY : 0.0f;
}

__device__ __forceinline__ float reduce_combine(int op, float a, float b) {
    return op == R_MAX ? jmax(a, b) : op == R_MIN ? jmin(a, b) : a + b;
}

__device__ __forceinline__ float warp_reduce(int op, float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = reduce_combine(op, v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// The reduction of v over the block (blockDim.x a multiple of 32, y = z = 1), returned to every
// thread. scratch holds 32 floats of shared memory; the function ends with a barrier, so it can be
// called again at once.
__device__ __forceinline__ float block_reduce(int op, float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_reduce(op, v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : reduce_identity(op);
    v = warp_reduce(op, v);
    __syncthreads();
    return v;
}
