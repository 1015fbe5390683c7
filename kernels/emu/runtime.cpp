// runtime.cpp: the host emulator's scheduler, fibers, device memory and the C API that Java calls
// through FFM (rrcm.device.emulator.EmulatorDevice). See cuda_emu.h for how the CUDA model maps.
//
// A launch runs its blocks one after another in the schedule order (forward, reverse or shuffled by
// a seed). A block's threads are fibers on their own stacks, each running until it yields at
// __syncthreads() or a warp collective, or ends. Warps take turns (run_block): a warp runs on through
// its collectives, each resolved as soon as its 32 lanes wait at it, until its lanes reach the barrier;
// when every thread waits at the same __syncthreads(), the barrier opens. The order of warps, and of
// lanes within a warp, follows the schedule (reshuffled at every turn when shuffled). Anything else
// (threads at different barriers, a thread that ended while others wait, lanes of one warp at
// different collectives) is reported as a divergence and fails the launch.
//
// Checks: shared memory (static and dynamic) is poisoned with a NaN pattern before each block; every
// device buffer has guard zones, poisoned the same way, that are verified after each launch; the
// dynamic shared memory has a guard verified after each block; pointer arguments must point into live
// device buffers; argument kinds and sizes must match the kernel's parameters.
#include "cuda_emu.h"

#include <sys/mman.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#if defined(__x86_64__) && !defined(EMU_UCONTEXT)
#define EMU_ASM_SWITCH 1
#else
#include <ucontext.h>
#endif

namespace emu {

// ---- constants -----------------------------------------------------------------------------------

/** The poison word: a quiet NaN as float (and an unlikely int), in shared memory, guards and new buffers. */
static const uint32_t POISON = 0x7FC0A5A5u;
static const size_t GUARD = 256;             // bytes of guard before and (at least) after each buffer
static const size_t ALIGN = 256;             // cudaMalloc's alignment
static const size_t MAX_DYNAMIC_SHARED = 163 * 1024; // sm_80's opt-in limit per block
static const size_t STACK_BYTES = 256 * 1024;
static const int MAX_THREADS = 1024;

static inline unsigned char poison_byte(uintptr_t address) {
    return static_cast<unsigned char>(POISON >> (8 * (address & 3)));
}

static void poison(void* p, size_t n) {
    unsigned char* b = static_cast<unsigned char*>(p);
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    size_t i = 0;
    for (; i < n && ((a + i) & 3) != 0; i++) b[i] = poison_byte(a + i);
    for (; i + 4 <= n; i += 4) std::memcpy(b + i, &POISON, 4);
    for (; i < n; i++) b[i] = poison_byte(a + i);
}

/** The first byte in [p, p+n) that is not the poison pattern, or -1. */
static long long first_unpoisoned(const void* p, size_t n, long long* last) {
    const unsigned char* b = static_cast<const unsigned char*>(p);
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    long long first = -1;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != poison_byte(a + i)) {
            if (first < 0) first = static_cast<long long>(i);
            *last = static_cast<long long>(i);
        }
    }
    return first;
}

// ---- the kernel registry ---------------------------------------------------------------------------

static std::vector<const KernelInfo*>& registry() {
    static std::vector<const KernelInfo*> r;
    return r;
}

void register_kernel(const KernelInfo* k) {
    registry().push_back(k);
}

static const KernelInfo* find_kernel(const char* name) {
    for (const KernelInfo* k : registry()) {
        if (std::strcmp(k->name, name) == 0) return k;
    }
    return nullptr;
}

static const char* kind_name(int kind) {
    switch (kind) {
        case ARG_PTR: return "pointer";
        case ARG_I32: return "32-bit integer";
        case ARG_F32: return "float";
        case ARG_I64: return "64-bit integer";
        case ARG_STRUCT: return "struct";
        default: return "unknown";
    }
}

// ---- device memory -----------------------------------------------------------------------------------

struct Allocation {
    unsigned char* raw;
    size_t raw_bytes;
    size_t bytes;
};

static std::map<uintptr_t, Allocation> allocations; // by data address
static size_t live_bytes = 0;

struct Fault {
    uintptr_t base;
    long long first; // offset from the data start; negative before it
    long long last;
};
static std::vector<Fault> faults;

static void check_guards() {
    for (auto& [data, a] : allocations) {
        long long lastBefore = 0, lastAfter = 0;
        long long before = first_unpoisoned(a.raw, GUARD, &lastBefore);
        size_t tail = a.raw_bytes - GUARD - a.bytes;
        long long after = first_unpoisoned(a.raw + GUARD + a.bytes, tail, &lastAfter);
        if (before >= 0) {
            faults.push_back({data, before - static_cast<long long>(GUARD), lastBefore - static_cast<long long>(GUARD)});
            poison(a.raw, GUARD);
        }
        if (after >= 0) {
            faults.push_back({data, static_cast<long long>(a.bytes) + after, static_cast<long long>(a.bytes) + lastAfter});
            poison(a.raw + GUARD + a.bytes, tail);
        }
    }
}

/** The allocation holding [p, p + 1), or the one p is the end of; null for none. */
static const Allocation* allocation_of(uintptr_t p, uintptr_t* base) {
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) return nullptr;
    --it;
    if (p > it->first + it->second.bytes) return nullptr;
    *base = it->first;
    return &it->second;
}

// ---- fibers ----------------------------------------------------------------------------------------------

enum State { RUNNABLE, AT_SYNC, AT_WARP, DONE };

struct Fiber {
#ifdef EMU_ASM_SWITCH
    void* sp;
#else
    ucontext_t context;
#endif
    unsigned char* stack; // usable stack (a guard page lies below it)
    uint3 idx;
    int linear;
    State state;
    const char* file;
    int line;
    Collective* collective;
};

static Fiber fibers[MAX_THREADS];
static Fiber* current = nullptr;
const uint3* current_thread_idx = nullptr;
uint3 block_idx;
dim3 block_dim, grid_dim;

#ifdef EMU_ASM_SWITCH
static void* scheduler_sp;
extern "C" void emu_switch(void** save_sp, void* load_sp);
extern "C" void emu_fiber_start();
// Saves the callee-saved registers and the SSE/x87 control words on the current stack, stores the
// stack pointer, loads the other one and restores its registers. A new fiber's stack is prepared so
// that the restore "returns" into emu_fiber_start with the fiber in r12.
asm(R"(
    .text
    .globl emu_switch
    .hidden emu_switch
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch

    .globl emu_fiber_start
    .hidden emu_fiber_start
    .type emu_fiber_start, @function
emu_fiber_start:
    movq %r12, %rdi
    call emu_fiber_main@PLT
    ud2
    .size emu_fiber_start, .-emu_fiber_start
)");
#else
static ucontext_t scheduler_context;
#endif

struct LaunchState {
    const KernelInfo* kernel = nullptr;
    void** args = nullptr;
    bool failed = false;
    std::string error;
    unsigned char* dynamic = nullptr;
    size_t dynamic_bytes = 0;
};
static LaunchState launch;

static void fail(const std::string& message) {
    if (!launch.failed) {
        launch.failed = true;
        launch.error = message;
    }
}

static std::string where(const char* file, int line) {
    return std::string(file ? file : "?") + ":" + std::to_string(line);
}

static std::string thread_name(const Fiber& f) {
    return "thread (" + std::to_string(f.idx.x) + "," + std::to_string(f.idx.y) + "," + std::to_string(f.idx.z) +
           ") of block (" + std::to_string(block_idx.x) + "," + std::to_string(block_idx.y) + "," +
           std::to_string(block_idx.z) + ")";
}

static void yield_to_scheduler() {
    Fiber* f = current;
#ifdef EMU_ASM_SWITCH
    emu_switch(&f->sp, scheduler_sp);
#else
    swapcontext(&f->context, &scheduler_context);
#endif
    // resumed by the scheduler, which set current back to this fiber
}

extern "C" __attribute__((visibility("hidden"))) void emu_fiber_main(Fiber* f) {
    launch.kernel->invoke(launch.kernel->fn, launch.args);
    f->state = DONE;
    yield_to_scheduler();
    __builtin_trap(); // a finished fiber is never resumed
}

#ifndef EMU_ASM_SWITCH
static void fiber_entry_ucontext() {
    emu_fiber_main(current);
}
#endif

static unsigned char* stacks[MAX_THREADS];

static void start_fiber(Fiber& f) {
    if (stacks[f.linear] == nullptr) {
        size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        void* m = mmap(nullptr, STACK_BYTES + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            fail("emulator: cannot map a fiber stack");
            return;
        }
        mprotect(m, page, PROT_NONE); // a stack overflow faults instead of corrupting a neighbour
        stacks[f.linear] = static_cast<unsigned char*>(m) + page;
    }
    f.stack = stacks[f.linear];
#ifdef EMU_ASM_SWITCH
    uintptr_t top = (reinterpret_cast<uintptr_t>(f.stack) + STACK_BYTES) & ~static_cast<uintptr_t>(15);
    uint64_t* sp = reinterpret_cast<uint64_t*>(top - 96);
    uint32_t mxcsr;
    uint16_t fpucw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    sp[0] = mxcsr | (static_cast<uint64_t>(fpucw) << 32);
    sp[1] = 0;                                          // r15
    sp[2] = 0;                                          // r14
    sp[3] = 0;                                          // r13
    sp[4] = reinterpret_cast<uint64_t>(&f);             // r12: the fiber
    sp[5] = 0;                                          // rbx
    sp[6] = 0;                                          // rbp
    sp[7] = reinterpret_cast<uint64_t>(&emu_fiber_start); // "return" address
    sp[8] = 0;
    f.sp = sp;
#else
    getcontext(&f.context);
    f.context.uc_stack.ss_sp = f.stack;
    f.context.uc_stack.ss_size = STACK_BYTES;
    f.context.uc_link = nullptr;
    makecontext(&f.context, fiber_entry_ucontext, 0);
#endif
}

static void resume(Fiber& f) {
    current = &f;
    current_thread_idx = &f.idx;
    f.state = RUNNABLE;
#ifdef EMU_ASM_SWITCH
    emu_switch(&scheduler_sp, f.sp);
#else
    swapcontext(&scheduler_context, &f.context);
#endif
    current = nullptr;
}

// ---- what kernels call -----------------------------------------------------------------------------------

void trap(const char* file, int line, const char* what) {
    if (current == nullptr) {
        fail(std::string("emulator: ") + what + " at " + where(file, line));
        __builtin_trap();
    }
    fail(std::string(launch.kernel->name) + ": " + what + " at " + where(file, line) + " in " + thread_name(*current));
    current->state = DONE;
    yield_to_scheduler();
    __builtin_trap();
}

void syncthreads(const char* file, int line) {
    asm volatile("" ::: "memory"); // shared memory written before the barrier is read from memory after it
    Fiber* f = current;
    f->state = AT_SYNC;
    f->file = file;
    f->line = line;
    yield_to_scheduler();
    asm volatile("" ::: "memory");
}

void warp_collective(Collective* c) {
    asm volatile("" ::: "memory");
    Fiber* f = current;
    f->state = AT_WARP;
    f->file = c->file;
    f->line = c->line;
    f->collective = c;
    yield_to_scheduler();
    asm volatile("" ::: "memory");
}

void collective_error(const Collective* c, const char* message) {
    fail(std::string(launch.kernel->name) + ": " + c->what + " at " + where(c->file, c->line) + ": " + message);
}

void* dynamic_shared_memory() {
    return launch.dynamic;
}

void resolve_vote(Collective** c) {
    auto** l = reinterpret_cast<Vote**>(c);
    unsigned ballot = 0;
    for (int i = 0; i < 32; i++) {
        if (l[i]->predicate) ballot |= 1u << i;
    }
    for (int i = 0; i < 32; i++) {
        switch (l[i]->kind) {
            case VOTE_ALL: l[i]->result = ballot == 0xffffffffu; break;
            case VOTE_ANY: l[i]->result = ballot != 0; break;
            case VOTE_BALLOT: l[i]->result = ballot; break;
            default: l[i]->result = 0; break;
        }
    }
}

// ---- the scheduler ------------------------------------------------------------------------------------------

enum Order { FORWARD = 0, REVERSE = 1, SHUFFLED = 2 };

struct Schedule {
    int order;
    uint64_t state;

    uint64_t next() { // splitmix64: the same sequence on every platform
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    void arrange(std::vector<uint32_t>& v) {
        for (size_t i = 0; i < v.size(); i++) v[i] = static_cast<uint32_t>(i);
        if (order == REVERSE) {
            for (size_t i = 0; i < v.size(); i++) v[i] = static_cast<uint32_t>(v.size() - 1 - i);
        } else if (order == SHUFFLED) {
            for (size_t i = v.size(); i > 1; i--) std::swap(v[i - 1], v[next() % i]);
        }
    }
};

extern "C" char __start_emu_shared[] __attribute__((visibility("hidden")));
extern "C" char __stop_emu_shared[] __attribute__((visibility("hidden")));
// Makes sure the section exists even in a build whose kernels declare no static shared memory.
static char shared_anchor[16] __attribute__((section("emu_shared"), used));

/** Describes why no thread can go on, for the error message. */
static std::string stall_report(int n) {
    std::map<std::string, std::pair<int, int>> points; // wait point -> (count, first thread)
    int done = 0;
    for (int t = 0; t < n; t++) {
        const Fiber& f = fibers[t];
        if (f.state == DONE) {
            done++;
            continue;
        }
        std::string key = (f.state == AT_SYNC ? std::string("__syncthreads()") : std::string(f.collective->what)) +
                          " at " + where(f.file, f.line);
        auto it = points.find(key);
        if (it == points.end()) points[key] = {1, t};
        else it->second.first++;
    }
    std::string s = "threads of block (" + std::to_string(block_idx.x) + "," + std::to_string(block_idx.y) + "," +
                    std::to_string(block_idx.z) + ") diverged: ";
    bool first = true;
    for (auto& [key, v] : points) {
        s += (first ? "" : "; ") + std::to_string(v.first) + " wait at " + key + " (e.g. " + thread_name(fibers[v.second]) + ")";
        first = false;
    }
    if (done > 0) s += "; " + std::to_string(done) + " have already returned";
    return s;
}

static bool same_point(const Fiber& a, const Fiber& b) {
    return a.line == b.line && std::strcmp(a.file, b.file) == 0;
}

/** Resolves warp w's collective if all its lanes wait at the same one; false if they do not all wait at one. */
static bool resolve_warp(int w, int n) {
    int first = 32 * w, count = n - first < 32 ? n - first : 32;
    for (int l = 0; l < count; l++) {
        if (fibers[first + l].state != AT_WARP) return false;
    }
    Fiber& f0 = fibers[first];
    if (count < 32) {
        fail(std::string(launch.kernel->name) + ": " + f0.collective->what + " at " + where(f0.file, f0.line) +
             " in a partial warp (" + std::to_string(count) + " threads): the emulator supports warp collectives on full warps only");
        return false;
    }
    Collective* lanes[32];
    for (int l = 0; l < 32; l++) {
        Fiber& f = fibers[first + l];
        if (f.collective->resolve != f0.collective->resolve || !same_point(f, f0)) {
            fail(std::string(launch.kernel->name) + ": lanes of warp " + std::to_string(w) + " met at different collectives: " +
                 f0.collective->what + " at " + where(f0.file, f0.line) + " (lane 0) and " + f.collective->what + " at " +
                 where(f.file, f.line) + " (lane " + std::to_string(l) + ") in block (" + std::to_string(block_idx.x) + "," +
                 std::to_string(block_idx.y) + "," + std::to_string(block_idx.z) + ")");
            return false;
        }
        if (f.collective->mask != 0xffffffffu) {
            char hex[16];
            std::snprintf(hex, sizeof hex, "0x%08x", f.collective->mask);
            collective_error(f.collective, (std::string("mask ") + hex + ": the emulator supports full-warp masks (0xffffffff) only").c_str());
            return false;
        }
        lanes[l] = f.collective;
    }
    f0.collective->resolve(lanes);
    if (launch.failed) return false;
    for (int l = 0; l < 32; l++) fibers[first + l].state = RUNNABLE;
    return true;
}

/**
 * Runs one block. Warps take turns in the schedule order; a warp's turn runs its lanes (in the
 * schedule order) until each waits or ends, resolves the collective they all wait at and goes on, and
 * ends when its lanes reach __syncthreads() or return. So in forward order warp 0 reaches the barrier
 * before warp 1 starts, in reverse order the other way round: shared memory written by one warp and
 * read by another without a barrier between them gives poison in one order or the other.
 */
static void run_block(int n, Schedule& schedule, std::vector<uint32_t>& warpOrder, std::vector<uint32_t>& laneOrder) {
    poison(__start_emu_shared, static_cast<size_t>(__stop_emu_shared - __start_emu_shared));
    poison(launch.dynamic, launch.dynamic_bytes + GUARD);
    for (int t = 0; t < n; t++) {
        Fiber& f = fibers[t];
        f.linear = t;
        f.idx = {static_cast<unsigned>(t % block_dim.x), static_cast<unsigned>((t / block_dim.x) % block_dim.y),
                 static_cast<unsigned>(t / (block_dim.x * block_dim.y))};
        f.state = RUNNABLE;
        f.collective = nullptr;
        start_fiber(f);
        if (launch.failed) return;
    }
    for (;;) {
        schedule.arrange(warpOrder);
        for (uint32_t w : warpOrder) {
            int first = 32 * static_cast<int>(w), count = n - first < 32 ? n - first : 32;
            for (;;) {
                laneOrder.resize(static_cast<size_t>(count));
                schedule.arrange(laneOrder);
                for (uint32_t l : laneOrder) {
                    Fiber& f = fibers[first + static_cast<int>(l)];
                    if (f.state == RUNNABLE) {
                        resume(f);
                        if (launch.failed) return;
                    }
                }
                if (!resolve_warp(static_cast<int>(w), n)) break;
            }
            if (launch.failed) return;
        }
        int done = 0, atSync = 0;
        for (int t = 0; t < n; t++) {
            done += fibers[t].state == DONE;
            atSync += fibers[t].state == AT_SYNC;
        }
        if (done == n) break;
        if (atSync == n) {
            bool same = true;
            for (int t = 1; t < n && same; t++) same = same_point(fibers[t], fibers[0]);
            if (!same) {
                fail(std::string(launch.kernel->name) + ": " + stall_report(n));
                return;
            }
            for (int t = 0; t < n; t++) fibers[t].state = RUNNABLE;
            continue;
        }
        fail(std::string(launch.kernel->name) + ": " + stall_report(n));
        return;
    }
    long long last = 0;
    long long bad = first_unpoisoned(launch.dynamic + launch.dynamic_bytes, GUARD, &last);
    if (bad >= 0) {
        fail(std::string(launch.kernel->name) + ": block (" + std::to_string(block_idx.x) + "," + std::to_string(block_idx.y) +
             "," + std::to_string(block_idx.z) + ") wrote " + std::to_string(bad) + " bytes past the end of its " +
             std::to_string(launch.dynamic_bytes) + " bytes of dynamic shared memory");
    }
}

static std::mutex lock;

} // namespace emu

// ---- misaligned and null accesses in kernels (g++ -fsanitize=alignment,null calls these) -----------------

namespace {
struct SourceLocation {
    const char* file;
    uint32_t line;
    uint32_t column;
};
struct TypeDescriptor {
    uint16_t kind;
    uint16_t info;
    char name[1];
};
struct TypeMismatchData {
    SourceLocation location;
    const TypeDescriptor* type;
    unsigned char log_alignment;
    unsigned char type_check_kind;
};
} // namespace

extern "C" __attribute__((visibility("default"))) void __ubsan_handle_type_mismatch_v1(TypeMismatchData* d, uintptr_t p) {
    static char message[256];
    if (p == 0) {
        std::snprintf(message, sizeof message, "null pointer access (type %s)", d->type->name);
    } else {
        std::snprintf(message, sizeof message, "misaligned access: address 0x%lx is not a multiple of %u, as type %s needs",
                      static_cast<unsigned long>(p), 1u << d->log_alignment, d->type->name);
    }
    emu::trap(d->location.file, static_cast<int>(d->location.line), message);
}

extern "C" __attribute__((visibility("default"))) void __ubsan_handle_type_mismatch_v1_abort(TypeMismatchData* d, uintptr_t p) {
    __ubsan_handle_type_mismatch_v1(d, p);
}

// ---- the C API (rrcm.device.emulator.EmulatorLibrary) -----------------------------------------------------

using namespace emu;

#pragma GCC visibility push(default)
extern "C" {

int emu_abi_version() {
    return 1;
}

int emu_kernel_count() {
    return static_cast<int>(registry().size());
}

const char* emu_kernel_name(int i) {
    return registry()[i]->name;
}

const char* emu_kernel_source(int i) {
    return registry()[i]->source;
}

int emu_kernel_test_only(int i) {
    return registry()[i]->test_only;
}

uint64_t emu_malloc(uint64_t bytes) {
    std::lock_guard<std::mutex> g(emu::lock);
    size_t tail = GUARD + (ALIGN - bytes % ALIGN) % ALIGN;
    size_t raw_bytes = GUARD + bytes + tail;
    void* raw = std::aligned_alloc(ALIGN, raw_bytes);
    if (raw == nullptr) return 0;
    poison(raw, raw_bytes); // guards, and the contents: reading memory never written gives NaN
    unsigned char* data = static_cast<unsigned char*>(raw) + GUARD;
    allocations[reinterpret_cast<uintptr_t>(data)] = {static_cast<unsigned char*>(raw), raw_bytes, bytes};
    live_bytes += bytes;
    return reinterpret_cast<uint64_t>(data);
}

int emu_free(uint64_t data) {
    std::lock_guard<std::mutex> g(emu::lock);
    auto it = allocations.find(static_cast<uintptr_t>(data));
    if (it == allocations.end()) return -1;
    live_bytes -= it->second.bytes;
    std::free(it->second.raw);
    allocations.erase(it);
    return 0;
}

uint64_t emu_live_bytes() {
    std::lock_guard<std::mutex> g(emu::lock);
    return live_bytes;
}

/**
 * Runs a kernel to completion. Returns 0 when it ran cleanly, 1 when the launch failed (emu_error says
 * why; nothing or part of the kernel ran), 2 when it ran but wrote into guard zones (emu_fault_*).
 */
int emu_launch(const char* name, const uint32_t* grid, const uint32_t* block, uint32_t dynamic_bytes, int nargs,
               const int32_t* kinds, const int64_t* sizes, void** values, int order, uint64_t seed) {
    std::lock_guard<std::mutex> g(emu::lock);
    launch = LaunchState();
    faults.clear();
    const KernelInfo* k = find_kernel(name);
    if (k == nullptr) {
        fail(std::string("emulator: no kernel named '") + name + "' in this library (is it declared extern \"C\" __global__ in kernels/*.cu? "
             "or is the library older than the kernels? tools/build-emulator rebuilds it)");
        return 1;
    }
    launch.kernel = k;
    std::string prefix = std::string(name) + ": ";
    if (nargs != k->nargs) {
        fail(prefix + "the kernel takes " + std::to_string(k->nargs) + " arguments, the launch passed " + std::to_string(nargs));
        return 1;
    }
    for (int i = 0; i < nargs; i++) {
        if (kinds[i] != k->kinds[i] || (k->kinds[i] == ARG_STRUCT && sizes[i] != k->sizes[i])) {
            fail(prefix + "parameter " + std::to_string(i) + " is a " + kind_name(k->kinds[i]) +
                 (k->kinds[i] == ARG_STRUCT ? " of " + std::to_string(k->sizes[i]) + " bytes" : "") + ", the launch passed a " +
                 kind_name(kinds[i]) + (kinds[i] == ARG_STRUCT ? " of " + std::to_string(sizes[i]) + " bytes" : ""));
            return 1;
        }
        if (kinds[i] == ARG_PTR) {
            uintptr_t p;
            std::memcpy(&p, values[i], sizeof p);
            uintptr_t base;
            if (p != 0 && allocation_of(p, &base) == nullptr) {
                char hex[32];
                std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(p));
                fail(prefix + "pointer argument " + std::to_string(i) + " (" + hex + ") is not in a live device buffer");
                return 1;
            }
        }
    }
    if (block[0] < 1 || block[1] < 1 || block[2] < 1 || block[0] > 1024 || block[1] > 1024 || block[2] > 64 ||
        block[0] * block[1] * block[2] > static_cast<uint32_t>(MAX_THREADS)) {
        fail(prefix + "block (" + std::to_string(block[0]) + "," + std::to_string(block[1]) + "," + std::to_string(block[2]) +
             ") is outside the limits (x, y <= 1024, z <= 64, at most 1024 threads)");
        return 1;
    }
    if (grid[0] < 1 || grid[1] < 1 || grid[2] < 1 || grid[0] > 0x7fffffffu || grid[1] > 65535 || grid[2] > 65535) {
        fail(prefix + "grid (" + std::to_string(grid[0]) + "," + std::to_string(grid[1]) + "," + std::to_string(grid[2]) +
             ") is outside the limits (x < 2^31, y and z <= 65535)");
        return 1;
    }
    if (dynamic_bytes > MAX_DYNAMIC_SHARED) {
        fail(prefix + std::to_string(dynamic_bytes) + " bytes of dynamic shared memory exceed sm_80's limit of " +
             std::to_string(MAX_DYNAMIC_SHARED));
        return 1;
    }
    static unsigned char* dynamic = nullptr;
    if (dynamic == nullptr) dynamic = static_cast<unsigned char*>(std::aligned_alloc(128, MAX_DYNAMIC_SHARED + GUARD));
    launch.dynamic = dynamic;
    launch.dynamic_bytes = dynamic_bytes;
    launch.args = values;
    grid_dim = dim3(grid[0], grid[1], grid[2]);
    block_dim = dim3(block[0], block[1], block[2]);
    int n = static_cast<int>(block[0] * block[1] * block[2]);
    uint64_t blocks = static_cast<uint64_t>(grid[0]) * grid[1] * grid[2];
    if (blocks > 0x7fffffffu) {
        fail(prefix + "the emulator runs at most 2^31 blocks per launch, the grid has " + std::to_string(blocks));
        return 1;
    }
    Schedule schedule{order, seed};
    std::vector<uint32_t> warpOrder(static_cast<size_t>((n + 31) / 32)), laneOrder(32);
    std::vector<uint32_t> blockOrder(static_cast<size_t>(blocks));
    schedule.arrange(blockOrder);
    for (uint64_t i = 0; i < blocks && !launch.failed; i++) {
        uint64_t b = blockOrder[i];
        block_idx = {static_cast<unsigned>(b % grid[0]), static_cast<unsigned>((b / grid[0]) % grid[1]),
                     static_cast<unsigned>(b / (static_cast<uint64_t>(grid[0]) * grid[1]))};
        run_block(n, schedule, warpOrder, laneOrder);
    }
    current_thread_idx = nullptr;
    check_guards();
    if (launch.failed) return 1;
    return faults.empty() ? 0 : 2;
}

const char* emu_error() {
    return launch.error.c_str();
}

int emu_fault_count() {
    return static_cast<int>(faults.size());
}

uint64_t emu_fault_base(int i) {
    return faults[i].base;
}

int64_t emu_fault_first(int i) {
    return faults[i].first;
}

int64_t emu_fault_last(int i) {
    return faults[i].last;
}

} // extern "C"
#pragma GCC visibility pop
