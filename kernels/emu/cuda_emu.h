// cuda_emu.h: the CUDA execution model on the CPU, for the host emulator.
//
// tools/build-emulator compiles every kernels/*.cu with g++ and this header force-included, so the
// very same kernel source runs here and on a GPU. How the model maps:
//   - blocks run one after another; the threads of a block are cooperative fibers (runtime.cpp) that
//     run until they reach __syncthreads() or a warp collective, where they yield to the scheduler;
//   - threadIdx/blockIdx/blockDim/gridDim read the running fiber's state;
//   - __shared__ variables are static locals placed in the section "emu_shared", which the runtime
//     poisons with NaN before each block; `extern __shared__ T name[];` (dynamic shared memory) is
//     rewritten by tools/build-emulator to take the launch's dynamic buffer;
//   - warp shuffles, votes, __syncwarp and the WMMA operations are warp collectives: each lane
//     deposits its part and yields; when all 32 lanes of the warp have arrived at the same call site,
//     the runtime computes every lane's result at once;
//   - atomics are plain read-modify-writes: fibers never interleave between two yields.
// Only what the kernels use is here. Anything else fails to compile (an undefined name) or fails the
// launch with a message (partial warp masks, divergent collectives, misaligned or null accesses).
#pragma once

#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <utility>

// ---- CUDA keywords -----------------------------------------------------------------------------

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __restrict__ __restrict
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// Block-shared: one static per kernel function, which is shared by the fibers of the running block.
#define __shared__ static __attribute__((section("emu_shared"), aligned(16)))
// Not emulated: using these fails to compile with an error that names them.
#define __constant__ emu_unsupported_constant_memory_pass_a_kernel_parameter
#define __activemask() emu_unsupported_activemask()
#define __shfl(...) emu_unsupported_shfl_without_sync()
#define __shfl_xor(...) emu_unsupported_shfl_without_sync()
#define __shfl_down(...) emu_unsupported_shfl_without_sync()
#define __shfl_up(...) emu_unsupported_shfl_without_sync()

// ---- vector types --------------------------------------------------------------------------------

struct uint3 { unsigned x, y, z; };
struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct __attribute__((aligned(8))) float2 { float x, y; };
struct __attribute__((aligned(16))) float4 { float x, y, z, w; };
struct __attribute__((aligned(8))) int2 { int x, y; };
struct __attribute__((aligned(16))) int4 { int x, y, z, w; };
struct __attribute__((aligned(16))) uint4 { unsigned x, y, z, w; };
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline int2 make_int2(int x, int y) { return {x, y}; }
inline int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }

// ---- the runtime's side (runtime.cpp) ------------------------------------------------------------

namespace emu {

extern const uint3* current_thread_idx; // the running fiber's threadIdx
extern uint3 block_idx;
extern dim3 block_dim, grid_dim;

/** Fails the launch with a message naming the call site; does not return to the kernel. */
[[noreturn]] void trap(const char* file, int line, const char* what);
void syncthreads(const char* file, int line);
/** The launch's dynamic shared memory (poisoned before each block). */
void* dynamic_shared_memory();

/**
 * A warp collective: every lane of a warp passes its own record (same resolve function, same call
 * site) and yields; once all 32 lanes are in, resolve(lanes) runs with lanes[i] the record of lane i,
 * writes each lane's result into its record, and the lanes continue.
 */
struct Collective {
    void (*resolve)(Collective** lanes);
    const char* what;
    const char* file;
    int line;
    unsigned mask;
};
void warp_collective(Collective* c);
/** Called by a resolver: fails the launch with a message (the lanes are not resumed). */
void collective_error(const Collective* c, const char* message);

template <class T>
T dynamic_shared() {
    return static_cast<T>(dynamic_shared_memory());
}

// ---- warp shuffles and votes ---------------------------------------------------------------------

enum ShflKind { SHFL_IDX, SHFL_UP, SHFL_DOWN, SHFL_XOR };

template <class T>
struct Shfl : Collective {
    T value;
    int kind;
    int arg;
    int width;
    T result;
};

template <class T>
void resolve_shfl(Collective** c) {
    auto** l = reinterpret_cast<Shfl<T>**>(c);
    for (int i = 0; i < 32; i++) {
        int w = l[i]->width;
        if (w < 1 || w > 32 || (w & (w - 1)) != 0) {
            collective_error(l[i], "shuffle width must be a power of two from 1 to 32");
            return;
        }
        int start = i & ~(w - 1), end = start + w; // the lane's segment [start, end)
        int src;
        switch (l[i]->kind) {
            case SHFL_IDX: src = start + (l[i]->arg & (w - 1)); break;
            case SHFL_UP: src = i - l[i]->arg; if (src < start) src = i; break;
            case SHFL_DOWN: src = i + l[i]->arg; if (src >= end) src = i; break;
            default: src = i ^ l[i]->arg; if (src < start || src >= end) src = i; break;
        }
        l[i]->result = l[src]->value;
    }
}

template <class T>
inline T shfl(const char* what, const char* file, int line, unsigned mask, T v, int kind, int arg, int width) {
    static_assert(std::is_arithmetic<T>::value && sizeof(T) <= 8, "emulator: shuffles take int, unsigned, float, long long or double");
    Shfl<T> s;
    s.resolve = &resolve_shfl<T>;
    s.what = what;
    s.file = file;
    s.line = line;
    s.mask = mask;
    s.value = v;
    s.kind = kind;
    s.arg = arg;
    s.width = width;
    warp_collective(&s);
    return s.result;
}

enum VoteKind { VOTE_ALL, VOTE_ANY, VOTE_BALLOT, VOTE_SYNC };

struct Vote : Collective {
    int kind;
    int predicate;
    unsigned result;
};
void resolve_vote(Collective** c);

inline unsigned vote(const char* what, const char* file, int line, unsigned mask, int kind, int predicate) {
    Vote v;
    v.resolve = &resolve_vote;
    v.what = what;
    v.file = file;
    v.line = line;
    v.mask = mask;
    v.kind = kind;
    v.predicate = predicate;
    warp_collective(&v);
    return v.result;
}

} // namespace emu

// ---- built-in variables ----------------------------------------------------------------------------

#define threadIdx (*::emu::current_thread_idx)
#define blockIdx (static_cast<const uint3&>(::emu::block_idx))
#define blockDim (static_cast<const dim3&>(::emu::block_dim))
#define gridDim (static_cast<const dim3&>(::emu::grid_dim))
#define warpSize 32

// ---- synchronization and collectives ----------------------------------------------------------------

#define __syncthreads() ::emu::syncthreads(__FILE__, __LINE__)
#define __syncwarp(...) ((void)::emu::vote("__syncwarp", __FILE__, __LINE__, ::emu_mask_or_full(__VA_ARGS__), ::emu::VOTE_SYNC, 0))
#define __threadfence() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define __threadfence_block() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define __trap() ::emu::trap(__FILE__, __LINE__, "__trap()")
#undef assert
#define assert(c) ((c) ? (void)0 : ::emu::trap(__FILE__, __LINE__, "assert(" #c ") failed"))

inline unsigned emu_mask_or_full() { return 0xffffffffu; }
inline unsigned emu_mask_or_full(unsigned m) { return m; }

#define __shfl_sync(mask, v, src, ...) ::emu::shfl("__shfl_sync", __FILE__, __LINE__, mask, v, ::emu::SHFL_IDX, src, ::emu_width(__VA_ARGS__))
#define __shfl_up_sync(mask, v, d, ...) ::emu::shfl("__shfl_up_sync", __FILE__, __LINE__, mask, v, ::emu::SHFL_UP, d, ::emu_width(__VA_ARGS__))
#define __shfl_down_sync(mask, v, d, ...) ::emu::shfl("__shfl_down_sync", __FILE__, __LINE__, mask, v, ::emu::SHFL_DOWN, d, ::emu_width(__VA_ARGS__))
#define __shfl_xor_sync(mask, v, m, ...) ::emu::shfl("__shfl_xor_sync", __FILE__, __LINE__, mask, v, ::emu::SHFL_XOR, m, ::emu_width(__VA_ARGS__))
#define __all_sync(mask, p) ((int)::emu::vote("__all_sync", __FILE__, __LINE__, mask, ::emu::VOTE_ALL, (p) ? 1 : 0))
#define __any_sync(mask, p) ((int)::emu::vote("__any_sync", __FILE__, __LINE__, mask, ::emu::VOTE_ANY, (p) ? 1 : 0))
#define __ballot_sync(mask, p) ::emu::vote("__ballot_sync", __FILE__, __LINE__, mask, ::emu::VOTE_BALLOT, (p) ? 1 : 0)

inline int emu_width() { return 32; }
inline int emu_width(int w) { return w; }

// ---- atomics (fibers never interleave between yields, so plain read-modify-writes are atomic) ------

inline float atomicAdd(float* p, float v) { float o = *p; *p = o + v; return o; }
inline int atomicAdd(int* p, int v) { int o = *p; *p = (int)((unsigned)o + (unsigned)v); return o; }
inline unsigned atomicAdd(unsigned* p, unsigned v) { unsigned o = *p; *p = o + v; return o; }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) { unsigned long long o = *p; *p = o + v; return o; }
inline int atomicMax(int* p, int v) { int o = *p; if (v > o) *p = v; return o; }
inline unsigned atomicMax(unsigned* p, unsigned v) { unsigned o = *p; if (v > o) *p = v; return o; }
inline int atomicMin(int* p, int v) { int o = *p; if (v < o) *p = v; return o; }
inline unsigned atomicMin(unsigned* p, unsigned v) { unsigned o = *p; if (v < o) *p = v; return o; }
inline int atomicCAS(int* p, int cmp, int v) { int o = *p; if (o == cmp) *p = v; return o; }
inline unsigned atomicCAS(unsigned* p, unsigned cmp, unsigned v) { unsigned o = *p; if (o == cmp) *p = v; return o; }
inline unsigned long long atomicCAS(unsigned long long* p, unsigned long long cmp, unsigned long long v) {
    unsigned long long o = *p; if (o == cmp) *p = v; return o;
}
inline int atomicExch(int* p, int v) { int o = *p; *p = v; return o; }
inline unsigned atomicExch(unsigned* p, unsigned v) { unsigned o = *p; *p = v; return o; }
inline float atomicExch(float* p, float v) { float o = *p; *p = v; return o; }

// ---- math and bit functions the kernels use ------------------------------------------------------------

inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline int __float_as_int(float f) { int i; std::memcpy(&i, &f, 4); return i; }
inline float __uint_as_float(unsigned i) { float f; std::memcpy(&f, &i, 4); return f; }
inline unsigned __float_as_uint(float f) { unsigned i; std::memcpy(&i, &f, 4); return i; }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return std::sqrt(x); }
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
// The rounded-once intrinsics are never fused into an fma by nvcc; here too, even in the emulator built with
// contraction on (tools/test's second run, which checks that the tests' tolerances hold under nvcc's fusing):
// the empty asm makes the product or sum a value the compiler must have in a register.
#define EMU_NO_CONTRACT(r) asm("" : "+x"(r))
inline float __fmul_rn(float a, float b) { float r = a * b; EMU_NO_CONTRACT(r); return r; }
inline float __fadd_rn(float a, float b) { float r = a + b; EMU_NO_CONTRACT(r); return r; }
inline float __double2float_rn(double x) { return static_cast<float>(x); }
inline float __saturatef(float x) { return x != x ? 0.0f : x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x; }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned)x); }
template <class T> inline T __ldg(const T* p) { return *p; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return std::fmin(a, b); }
inline float max(float a, float b) { return std::fmax(a, b); }
// expf, logf, sqrtf, tanhf, erff, fmaf, fabsf, fmaxf, fminf, powf come from <math.h> (through <cmath>);
// the host versions are correctly rounded or within an ulp or two, as the device versions are.

// ---- kernel registration (tools/build-emulator appends EMU_REGISTER lines to each kernel file) ------

namespace emu {

enum ArgKind { ARG_PTR = 0, ARG_I32 = 1, ARG_F32 = 2, ARG_I64 = 3, ARG_STRUCT = 4 };

template <class T>
constexpr int arg_kind() {
    if constexpr (std::is_pointer<T>::value) return ARG_PTR;
    else if constexpr (std::is_same<T, float>::value) return ARG_F32;
    else if constexpr (std::is_integral<T>::value && sizeof(T) == 4) return ARG_I32;
    else if constexpr (std::is_integral<T>::value && sizeof(T) == 8) return ARG_I64;
    else if constexpr (std::is_class<T>::value && std::is_trivially_copyable<T>::value) return ARG_STRUCT;
    else return -1;
}

struct KernelInfo {
    const char* name;
    const char* source; // the .cu file, for messages
    int test_only;      // from kernels/test/: never in the PTX set
    int nargs;
    const int* kinds;
    const long long* sizes;
    void (*invoke)(void* fn, void** args);
    void* fn;
};
void register_kernel(const KernelInfo* k);

template <class T>
inline T load_arg(void* p) {
    T v;
    std::memcpy(static_cast<void*>(&v), p, sizeof(T)); // a kernel parameter is each thread's own copy
    return v;
}

template <class... A>
struct Signature {
    static constexpr int kinds[sizeof...(A) + 1] = {arg_kind<A>()..., 0};
    static constexpr long long sizes[sizeof...(A) + 1] = {static_cast<long long>(sizeof(A))..., 0};

    template <std::size_t... I>
    static void call(void (*f)(A...), void** args, std::index_sequence<I...>) {
        f(load_arg<A>(args[I])...);
    }

    static void invoke(void* fn, void** args) {
        call(reinterpret_cast<void (*)(A...)>(fn), args, std::index_sequence_for<A...>{});
    }
};

struct Registrar {
    KernelInfo info;

    template <class... A>
    Registrar(const char* name, void (*f)(A...), int test_only, const char* source) {
        static_assert(((arg_kind<A>() >= 0) && ...), "emulator: kernel parameters must be pointers, 32/64-bit integers, float or trivially copyable structs");
        info = KernelInfo{name, source, test_only, static_cast<int>(sizeof...(A)), Signature<A...>::kinds,
                          Signature<A...>::sizes, &Signature<A...>::invoke, reinterpret_cast<void*>(f)};
        register_kernel(&info);
    }
};

} // namespace emu

#define EMU_REGISTER(name, test_only, source) static ::emu::Registrar emu_registrar_##name(#name, &name, test_only, source);
