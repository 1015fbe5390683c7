// mma.h for the host emulator: the part of CUDA's WMMA API that the GEMM uses, m16n16k8 with TF32
// inputs and a float accumulator. Other shapes and types fail to compile.
//
// The device spreads a fragment over the 32 lanes of a warp in a layout it does not document; here
// element e of the fragment's matrix (row-major numbering) is slot e / 32 of lane e % 32. Kernels
// may only touch x[i] elementwise, as on the device. load, store and mma are warp collectives.
//
// TF32: wmma::__float_to_tf32 rounds to nearest, ties away from zero, to 10 mantissa bits
// (cvt.rna.tf32.f32). mma_sync, like the tensor cores, ignores the low 13 mantissa bits of its
// inputs, so inputs that were not converted are truncated. Products of two TF32 values are exact in
// float; they are added to the accumulator one k after another in float.
#pragma once

namespace nvcuda {
namespace wmma {

struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
namespace precision {
struct tf32 {};
}
enum layout_t { mem_row_major, mem_col_major };

template <class T>
constexpr bool emu_unsupported = false;

template <class Use, int M, int N, int K, class T, class Layout = void>
struct fragment {
    static_assert(emu_unsupported<Use>, "emulator: only m16n16k8 fragments with precision::tf32 inputs and a float accumulator are supported");
};

template <class Layout>
struct fragment<matrix_a, 16, 16, 8, precision::tf32, Layout> {
    static_assert(std::is_same<Layout, row_major>::value || std::is_same<Layout, col_major>::value, "emulator: matrix_a needs row_major or col_major");
    static constexpr int num_elements = 4;
    static constexpr int rows = 16, cols = 8;
    static constexpr bool row = std::is_same<Layout, row_major>::value;
    float x[4];
};

template <class Layout>
struct fragment<matrix_b, 16, 16, 8, precision::tf32, Layout> {
    static_assert(std::is_same<Layout, row_major>::value || std::is_same<Layout, col_major>::value, "emulator: matrix_b needs row_major or col_major");
    static constexpr int num_elements = 4;
    static constexpr int rows = 8, cols = 16;
    static constexpr bool row = std::is_same<Layout, row_major>::value;
    float x[4];
};

template <>
struct fragment<accumulator, 16, 16, 8, float, void> {
    static constexpr int num_elements = 8;
    static constexpr int rows = 16, cols = 16;
    float x[8];
};

inline float __float_to_tf32(float f) {
    uint32_t u = __float_as_uint(f);
    if ((u & 0x7f800000u) == 0x7f800000u) return f; // infinity and NaN stay
    u = (u + 0x1000u) & 0xffffe000u;                 // half an ulp of 10 bits on the magnitude: ties away from zero
    return __uint_as_float(u);
}

inline float emu_tf32_truncate(float f) {
    return __uint_as_float(__float_as_uint(f) & 0xffffe000u);
}

template <class Frag>
inline void fill_fragment(Frag& f, float v) {
    for (int i = 0; i < Frag::num_elements; i++) f.x[i] = v;
}

struct EmuTile : ::emu::Collective {
    float* frag;       // this lane's fragment elements
    float* memory;     // the tile in memory (must be the same for all lanes)
    unsigned ldm;
    bool row;          // row-major in memory
    int rows, cols;
    bool store;
};

inline void emu_resolve_tile(::emu::Collective** c) {
    auto** l = reinterpret_cast<EmuTile**>(c);
    const EmuTile& t = *l[0];
    for (int i = 1; i < 32; i++) {
        if (l[i]->memory != t.memory || l[i]->ldm != t.ldm || l[i]->row != t.row) {
            ::emu::collective_error(l[i], "the pointer, ldm and layout must be the same in every lane");
            return;
        }
    }
    if ((reinterpret_cast<uintptr_t>(t.memory) & 31) != 0) {
        ::emu::collective_error(&t, "the matrix pointer must be 256-bit (32-byte) aligned");
        return;
    }
    if (t.ldm % 4 != 0) {
        ::emu::collective_error(&t, "ldm must be a multiple of 4 elements (16 bytes) for 32-bit elements");
        return;
    }
    for (int e = 0; e < t.rows * t.cols; e++) {
        int r = e / t.cols, col = e % t.cols;
        float* m = t.memory + (t.row ? static_cast<size_t>(r) * t.ldm + col : static_cast<size_t>(col) * t.ldm + r);
        float& f = l[e % 32]->frag[e / 32];
        if (t.store) *m = f;
        else f = *m;
    }
}

inline void emu_tile(const char* what, const char* file, int line, float* frag, const float* p, unsigned ldm, bool row,
                     int rows, int cols, bool store) {
    EmuTile t;
    t.resolve = &emu_resolve_tile;
    t.what = what;
    t.file = file;
    t.line = line;
    t.mask = 0xffffffffu;
    t.frag = frag;
    t.memory = const_cast<float*>(p);
    t.ldm = ldm;
    t.row = row;
    t.rows = rows;
    t.cols = cols;
    t.store = store;
    ::emu::warp_collective(&t);
}

template <class Use, class Layout>
inline void emu_load_matrix_sync(const char* file, int line, fragment<Use, 16, 16, 8, precision::tf32, Layout>& f,
                                 const float* p, unsigned ldm) {
    using F = fragment<Use, 16, 16, 8, precision::tf32, Layout>;
    emu_tile("wmma::load_matrix_sync", file, line, f.x, p, ldm, F::row, F::rows, F::cols, false);
}

inline void emu_load_matrix_sync(const char* file, int line, fragment<accumulator, 16, 16, 8, float>& f,
                                 const float* p, unsigned ldm, layout_t layout) {
    emu_tile("wmma::load_matrix_sync", file, line, f.x, p, ldm, layout == mem_row_major, 16, 16, false);
}

inline void emu_store_matrix_sync(const char* file, int line, float* p, const fragment<accumulator, 16, 16, 8, float>& f,
                                  unsigned ldm, layout_t layout) {
    emu_tile("wmma::store_matrix_sync", file, line, const_cast<float*>(f.x), p, ldm, layout == mem_row_major, 16, 16, true);
}

struct EmuMma : ::emu::Collective {
    const float* a;
    const float* b;
    const float* c;
    float* d;
};

inline void emu_resolve_mma(::emu::Collective** c) {
    auto** l = reinterpret_cast<EmuMma**>(c);
    float A[16][8], B[8][16], C[16][16];
    for (int e = 0; e < 128; e++) {
        A[e / 8][e % 8] = emu_tf32_truncate(l[e % 32]->a[e / 32]);
        B[e / 16][e % 16] = emu_tf32_truncate(l[e % 32]->b[e / 32]);
    }
    for (int e = 0; e < 256; e++) C[e / 16][e % 16] = l[e % 32]->c[e / 32];
    for (int i = 0; i < 16; i++) {
        for (int j = 0; j < 16; j++) {
            float acc = C[i][j];
            for (int k = 0; k < 8; k++) acc += A[i][k] * B[k][j];
            l[(i * 16 + j) % 32]->d[(i * 16 + j) / 32] = acc;
        }
    }
}

template <class LA, class LB>
inline void emu_mma_sync(const char* file, int line, fragment<accumulator, 16, 16, 8, float>& d,
                         const fragment<matrix_a, 16, 16, 8, precision::tf32, LA>& a,
                         const fragment<matrix_b, 16, 16, 8, precision::tf32, LB>& b,
                         const fragment<accumulator, 16, 16, 8, float>& c) {
    EmuMma m;
    m.resolve = &emu_resolve_mma;
    m.what = "wmma::mma_sync";
    m.file = file;
    m.line = line;
    m.mask = 0xffffffffu;
    m.a = a.x;
    m.b = b.x;
    m.c = c.x;
    m.d = d.x;
    ::emu::warp_collective(&m);
}

} // namespace wmma
} // namespace nvcuda

// The collectives name their call site in error messages.
#define load_matrix_sync(...) emu_load_matrix_sync(__FILE__, __LINE__, __VA_ARGS__)
#define store_matrix_sync(...) emu_store_matrix_sync(__FILE__, __LINE__, __VA_ARGS__)
#define mma_sync(...) emu_mma_sync(__FILE__, __LINE__, __VA_ARGS__)
