// random_words.cu: the random family's Box-Muller (kernels/random.cuh) on chosen words, for the tests that
// need words no seed reaches in reasonable time: a radius taken from its fallback word (40 zero bits, once
// in 2^40 pairs) and the extremes of u. Test-only: not in the PTX set.
#include "random.cuh"

// out[2 t], out[2 t + 1] = the cosine and sine normals of words (a[t], b[t]) with fallback word fallback[t].
extern "C" __global__ void box_muller_words(const unsigned int* a, const unsigned int* b, const unsigned int* fallback,
                                            float* out, int n) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t < n) {
        float2 z = box_muller_u(radius_uniform(a[t], b[t], fallback[t]), b[t]);
        out[2 * t] = z.x;
        out[2 * t + 1] = z.y;
    }
}
