// planted_bugs.cu: kernels with deliberate bugs, launched only by the emulator's tests to show that
// its checks catch each kind (EmulatorChecksTest). Never in the PTX set: tools/build-kernels builds
// kernels/*.cu only.
//
// rotate_shared(in, out): one block of n threads (n = blockDim.x); out[i] = in[(i + 1) % n] through
//   shared memory, correctly: write, __syncthreads(), read. The control for the next one.
// planted_missing_sync(in, out): the same with the __syncthreads() left out. Thread i reads the slot
//   of thread i + 1, which holds the value only if that thread ran first: right or wrong depending on
//   the schedule order, as on a GPU it depends on the timing of warps.
// planted_out_of_bounds(out, n): out[i] = i for every i the grid covers, with the bounds check left
//   out; launched with more threads than n, it writes past the end of out.
// planted_uninitialized_shared(out): out[i] = a shared slot that no thread wrote.

extern "C" __global__ void rotate_shared(const float* in, float* out) {
    __shared__ float slot[1024];
    int i = threadIdx.x, n = blockDim.x;
    slot[i] = in[i];
    __syncthreads();
    out[i] = slot[(i + 1) % n];
}

extern "C" __global__ void planted_missing_sync(const float* in, float* out) {
    __shared__ float slot[1024];
    int i = threadIdx.x, n = blockDim.x;
    slot[i] = in[i];
    out[i] = slot[(i + 1) % n]; // BUG: no __syncthreads() between the write and the read
}

extern "C" __global__ void planted_out_of_bounds(float* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    (void)n; // BUG: no `if (i < n)`
    out[i] = (float)i;
}

extern "C" __global__ void planted_uninitialized_shared(float* out) {
    __shared__ float slot[256];
    int i = threadIdx.x;
    out[i] = slot[i]; // BUG: nothing wrote slot
}
