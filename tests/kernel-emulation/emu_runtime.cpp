// emu_runtime.cpp - the scheduler behind cuda_host_shim.h: fibers, barriers, warp exchanges, the
// kernel registry and the C entry points: rexnet_emu_launch (the C# tests, the mock CUDA driver) and
// rexnet_emu_signature (the mock driver).
#include "emu_runtime.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#if !defined(__x86_64__)
#error "the emulation's fiber switch (rexnet_emu_switch below) is written for x86-64"
#endif

// rexnet_emu_switch(save, load): saves the callee-saved registers, MXCSR and the x87 control word on the
// current stack, stores the stack pointer in *save, switches to the stack `load` and restores the same
// from it. A context switch without a system call: ucontext's swapcontext also saves the signal mask
// with sigprocmask, which cost more than most kernels' work per thread. New fibers start with a frame
// laid out as this restore expects, returning into rexnet_emu_fiber_entry.
extern "C" void rexnet_emu_switch(void** save, void* load);
extern "C" [[noreturn]] void rexnet_emu_fiber_entry();
asm(R"(
    .text
    .p2align 4
    .type rexnet_emu_switch, @function
rexnet_emu_switch:
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
    .size rexnet_emu_switch, .-rexnet_emu_switch
)");

// Linker-provided bounds of the section holding every __shared__ variable (absent when none exists).
extern "C" char __start_rexnet_emu_shared[] __attribute__((weak, visibility("hidden")));
extern "C" char __stop_rexnet_emu_shared[] __attribute__((weak, visibility("hidden")));

namespace rexnet_emu
{
namespace
{
constexpr unsigned MaxThreadsPerBlock = 1024;
constexpr unsigned MaxBlockZ = 64;
constexpr unsigned MaxGridYZ = 65535;
constexpr unsigned WarpSize = 32;
constexpr std::size_t FiberStackBytes = 256 * 1024;

enum class State
{
    Ready,
    AtBarrier,
    AtWarpOp,
    Done,
};

struct Fiber
{
    void* sp = nullptr; // saved stack pointer while suspended
    char* stack = nullptr; // mapping base; the lowest page is a guard
    State state = State::Ready;
    uint3 index{};
    const char* file = "";
    int line = 0;
    // Pending warp operation.
    WarpOp op = WarpOp::Sync;
    unsigned mask = 0;
    int param = 0;
    int width = 0;
    std::size_t size = 0;
    unsigned char value[8] = {};
    unsigned char result[8] = {};
};

struct LaunchFailed
{
};

struct Launch
{
    const KernelEntry* kernel = nullptr;
    void** args = nullptr;
    std::vector<Fiber>* fibers = nullptr;
    unsigned running = 0;
    void* scheduler = nullptr; // the scheduler's saved stack pointer while a fiber runs
    std::string error;
};

std::mutex launch_mutex;
std::vector<Fiber> fiber_pool;
Launch* current = nullptr;
std::size_t page_size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));

std::vector<KernelEntry>& registry()
{
    static std::vector<KernelEntry> entries;
    return entries;
}

std::string format(const char* fmt, ...)
{
    char buffer[512];
    va_list list;
    va_start(list, fmt);
    std::vsnprintf(buffer, sizeof buffer, fmt, list);
    va_end(list);
    return buffer;
}

[[noreturn]] void fail(std::string message)
{
    if (current->error.empty())
    {
        current->error = std::move(message);
    }
    throw LaunchFailed{};
}

Fiber& running_fiber()
{
    return (*current->fibers)[current->running];
}

// Suspends the running fiber and returns to the scheduler, which resumes it when it may proceed.
void suspend(State state, const char* file, int line)
{
    Fiber& f = running_fiber();
    f.state = state;
    f.file = file;
    f.line = line;
    rexnet_emu_switch(&f.sp, current->scheduler);
}

// Leaves a fiber for good: its stack is reused by the next thread that starts on it.
[[noreturn]] void exit_fiber()
{
    Fiber& f = running_fiber();
    f.state = State::Done;
    rexnet_emu_switch(&f.sp, current->scheduler);
    __builtin_unreachable();
}

void ensure_fibers(unsigned count)
{
    while (fiber_pool.size() < count)
    {
        Fiber& f = fiber_pool.emplace_back();
        std::size_t bytes = FiberStackBytes + page_size;
        void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (mapping == MAP_FAILED)
        {
            fiber_pool.pop_back();
            throw std::bad_alloc();
        }
        // A guard page below the stack turns a stack overflow into a crash rather than silent corruption.
        mprotect(mapping, page_size, PROT_NONE);
        f.stack = static_cast<char*>(mapping);
    }
}

// The frame rexnet_emu_switch restores from, top of the stack downwards: a null return address for the
// entry function, the entry function, rbp, rbx, r12-r15 (all zero), then MXCSR and the x87 control word
// (the scheduler's, so kernels round as the host does).
void start_fiber(Fiber& f, unsigned linear, const dim3& block, std::uint64_t control_words)
{
    f.state = State::Ready;
    f.index = uint3{linear % block.x, linear / block.x % block.y, linear / (block.x * block.y)};
    auto* top = reinterpret_cast<std::uint64_t*>(f.stack + page_size + FiberStackBytes);
    top[-1] = 0;
    top[-2] = reinterpret_cast<std::uint64_t>(&rexnet_emu_fiber_entry);
    for (int i = 3; i <= 8; i++)
    {
        top[-i] = 0;
    }
    top[-9] = control_words;
    f.sp = top - 9;
}

std::uint64_t current_control_words()
{
    std::uint32_t mxcsr = 0;
    std::uint16_t fpucw = 0;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    return mxcsr | static_cast<std::uint64_t>(fpucw) << 32;
}

const char* op_name(WarpOp op)
{
    switch (op)
    {
    case WarpOp::Sync: return "__syncwarp";
    case WarpOp::ShflIdx: return "__shfl_sync";
    case WarpOp::ShflUp: return "__shfl_up_sync";
    case WarpOp::ShflDown: return "__shfl_down_sync";
    case WarpOp::ShflXor: return "__shfl_xor_sync";
    case WarpOp::Ballot: return "__ballot_sync";
    }
    return "?";
}

const char* state_name(State s)
{
    switch (s)
    {
    case State::Ready: return "ready";
    case State::AtBarrier: return "at __syncthreads";
    case State::AtWarpOp: return "at a warp operation";
    case State::Done: return "exited";
    }
    return "?";
}

// The lane whose value lane `lane` receives, or `lane` itself where CUDA returns the caller's own value.
unsigned source_lane(const Fiber& f, unsigned lane)
{
    unsigned w = static_cast<unsigned>(f.width);
    unsigned segment = lane / w * w;
    switch (f.op)
    {
    case WarpOp::ShflIdx: return segment + (static_cast<unsigned>(f.param) & (w - 1));
    case WarpOp::ShflUp: return static_cast<int>(lane) - f.param < static_cast<int>(segment) ? lane : lane - f.param;
    case WarpOp::ShflDown: return lane + f.param >= segment + w ? lane : lane + f.param;
    case WarpOp::ShflXor:
    {
        unsigned src = lane ^ static_cast<unsigned>(f.param);
        return src >= segment + w ? lane : src;
    }
    default: return lane;
    }
}

// Completes the warp operation of the lanes in `mask` of warp `warp` if they have all arrived.
// Returns true when it released them; fails the launch when the operation can never complete.
bool try_complete_warp_op(std::vector<Fiber>& fibers, unsigned threads, unsigned warp, const Fiber& first)
{
    unsigned base = warp * WarpSize;
    unsigned mask = first.mask;
    for (unsigned lane = 0; lane < WarpSize; lane++)
    {
        if ((mask >> lane & 1u) == 0)
        {
            continue;
        }
        unsigned t = base + lane;
        if (t >= threads)
        {
            fail(format("%s at %s:%d: mask 0x%08x names lane %u of warp %u, but the block has only %u threads",
                op_name(first.op), first.file, first.line, mask, lane, warp, threads));
        }
        const Fiber& f = fibers[t];
        if (f.state == State::Done || f.state == State::AtBarrier)
        {
            fail(format("%s at %s:%d: mask 0x%08x names thread %u, which is %s", op_name(first.op), first.file, first.line,
                mask, t, state_name(f.state)));
        }
        if (f.state != State::AtWarpOp || f.mask != mask)
        {
            return false;
        }
        if (f.op != first.op || f.width != first.width || f.size != first.size)
        {
            fail(format("warp %u: lanes in mask 0x%08x disagree: %s at %s:%d against %s at %s:%d", warp, mask,
                op_name(first.op), first.file, first.line, op_name(f.op), f.file, f.line));
        }
    }
    unsigned ballot = 0;
    for (unsigned lane = 0; lane < WarpSize; lane++)
    {
        if ((mask >> lane & 1u) != 0 && fibers[base + lane].value[0] != 0)
        {
            ballot |= 1u << lane;
        }
    }
    for (unsigned lane = 0; lane < WarpSize; lane++)
    {
        if ((mask >> lane & 1u) == 0)
        {
            continue;
        }
        Fiber& f = fibers[base + lane];
        if (f.op == WarpOp::Ballot)
        {
            std::memcpy(f.result, &ballot, sizeof ballot);
        }
        else if (f.op != WarpOp::Sync)
        {
            unsigned src = source_lane(f, lane);
            if ((mask >> src & 1u) == 0)
            {
                fail(format("%s at %s:%d: lane %u of warp %u reads lane %u, which is not in mask 0x%08x", op_name(f.op),
                    f.file, f.line, lane, warp, src, mask));
            }
            std::memcpy(f.result, fibers[base + src].value, f.size);
        }
        f.state = State::Ready;
    }
    return true;
}

bool complete_warp_ops(std::vector<Fiber>& fibers, unsigned threads)
{
    bool released = false;
    for (unsigned t = 0; t < threads; t++)
    {
        const Fiber& f = fibers[t];
        if (f.state != State::AtWarpOp)
        {
            continue;
        }
        unsigned lane = t % WarpSize;
        if ((f.mask >> lane & 1u) == 0)
        {
            fail(format("%s at %s:%d: thread %u calls it with mask 0x%08x, which does not include its own lane %u",
                op_name(f.op), f.file, f.line, t, f.mask, lane));
        }
        if (f.width <= 0 || f.width > static_cast<int>(WarpSize) || (f.width & (f.width - 1)) != 0)
        {
            fail(format("%s at %s:%d: width %d is not a power of two up to 32", op_name(f.op), f.file, f.line, f.width));
        }
        released |= try_complete_warp_op(fibers, threads, t / WarpSize, f);
    }
    return released;
}

// Releases a block-wide barrier if every thread waits at the same __syncthreads.
bool release_barrier(std::vector<Fiber>& fibers, unsigned threads)
{
    const Fiber* waiting = nullptr;
    for (unsigned t = 0; t < threads; t++)
    {
        if (fibers[t].state == State::AtBarrier)
        {
            waiting = &fibers[t];
            break;
        }
    }
    if (waiting == nullptr)
    {
        return false;
    }
    for (unsigned t = 0; t < threads; t++)
    {
        const Fiber& f = fibers[t];
        if (f.state == State::AtWarpOp)
        {
            return false; // resolved, or reported as a deadlock, by the caller
        }
        if (f.state == State::Done)
        {
            fail(format("__syncthreads at %s:%d: thread %u waits there but thread %u has exited", waiting->file,
                waiting->line, static_cast<unsigned>(waiting - fibers.data()), t));
        }
        if (std::strcmp(f.file, waiting->file) != 0 || f.line != waiting->line)
        {
            fail(format("threads %u and %u wait at different __syncthreads (%s:%d and %s:%d)",
                static_cast<unsigned>(waiting - fibers.data()), t, waiting->file, waiting->line, f.file, f.line));
        }
    }
    for (unsigned t = 0; t < threads; t++)
    {
        fibers[t].state = State::Ready;
    }
    return true;
}

void run_block(Launch& launch, unsigned threads, bool reverse)
{
    std::vector<Fiber>& fibers = *launch.fibers;
    for (;;)
    {
        for (unsigned i = 0; i < threads; i++)
        {
            unsigned t = reverse ? threads - 1 - i : i;
            Fiber& f = fibers[t];
            if (f.state != State::Ready)
            {
                continue;
            }
            current_thread_idx = f.index;
            launch.running = t;
            rexnet_emu_switch(&launch.scheduler, f.sp);
            if (!launch.error.empty())
            {
                throw LaunchFailed{};
            }
        }
        if (complete_warp_ops(fibers, threads) || release_barrier(fibers, threads))
        {
            continue;
        }
        unsigned stuck = threads;
        for (unsigned t = 0; t < threads && stuck == threads; t++)
        {
            if (fibers[t].state != State::Done)
            {
                stuck = t;
            }
        }
        if (stuck == threads)
        {
            return;
        }
        const Fiber& f = fibers[stuck];
        fail(format("deadlock: thread %u waits %s (%s at %s:%d) and no thread can proceed", stuck, state_name(f.state),
            f.state == State::AtWarpOp ? op_name(f.op) : "__syncthreads", f.file, f.line));
    }
}

void poison_shared_memory()
{
    if (__start_rexnet_emu_shared != nullptr)
    {
        std::memset(__start_rexnet_emu_shared, 0xFF, static_cast<std::size_t>(__stop_rexnet_emu_shared - __start_rexnet_emu_shared));
    }
}

void check_launch(const dim3& grid, const dim3& block)
{
    unsigned long long threads = static_cast<unsigned long long>(block.x) * block.y * block.z;
    if (block.x == 0 || block.y == 0 || block.z == 0 || threads > MaxThreadsPerBlock || block.z > MaxBlockZ)
    {
        fail(format("block (%u, %u, %u) is not a valid CUDA block (at most %u threads, %u in z)", block.x, block.y, block.z,
            MaxThreadsPerBlock, MaxBlockZ));
    }
    if (grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.x > 0x7fffffffu || grid.y > MaxGridYZ || grid.z > MaxGridYZ)
    {
        fail(format("grid (%u, %u, %u) is not a valid CUDA grid", grid.x, grid.y, grid.z));
    }
}

void run_grid(Launch& launch, const dim3& grid, const dim3& block, bool reverse)
{
    check_launch(grid, block);
    unsigned threads = block.x * block.y * block.z;
    ensure_fibers(threads);
    std::uint64_t control_words = current_control_words();
    current_block_dim = block;
    current_grid_dim = grid;
    unsigned long long blocks = static_cast<unsigned long long>(grid.x) * grid.y * grid.z;
    for (unsigned long long i = 0; i < blocks; i++)
    {
        unsigned long long b = reverse ? blocks - 1 - i : i;
        current_block_idx = uint3{static_cast<unsigned>(b % grid.x), static_cast<unsigned>(b / grid.x % grid.y),
            static_cast<unsigned>(b / (static_cast<unsigned long long>(grid.x) * grid.y))};
        poison_shared_memory();
        for (unsigned t = 0; t < threads; t++)
        {
            start_fiber(fiber_pool[t], t, block, control_words);
        }
        run_block(launch, threads, reverse);
    }
}

const KernelEntry* find_kernel(const char* name)
{
    for (const KernelEntry& e : registry())
    {
        if (std::strcmp(e.name, name) == 0)
        {
            return &e;
        }
    }
    return nullptr;
}
} // namespace

void syncthreads(const char* file, int line)
{
    suspend(State::AtBarrier, file, line);
}

void warp_op(WarpOp op, unsigned mask, const void* value, void* result, std::size_t size, int param, int width,
    const char* file, int line)
{
    Fiber& f = running_fiber();
    f.op = op;
    f.mask = mask;
    f.param = param;
    f.width = width;
    f.size = size;
    std::memset(f.value, 0, sizeof f.value);
    if (size > 0)
    {
        std::memcpy(f.value, value, size);
    }
    suspend(State::AtWarpOp, file, line);
    if (size > 0)
    {
        std::memcpy(result, f.result, size);
    }
}

void trap(const char* file, int line)
{
    current->error = format("__trap() at %s:%d in thread (%u, %u, %u) of block (%u, %u, %u)", file, line,
        current_thread_idx.x, current_thread_idx.y, current_thread_idx.z, current_block_idx.x, current_block_idx.y,
        current_block_idx.z);
    exit_fiber();
}

} // namespace rexnet_emu

extern "C" void rexnet_emu_fiber_entry()
{
    using namespace rexnet_emu;
    Launch& launch = *current;
    launch.kernel->invoke(launch.kernel->function, launch.args);
    exit_fiber();
}

namespace rexnet_emu
{
void register_kernel(const KernelEntry& entry)
{
    registry().push_back(entry);
}
} // namespace rexnet_emu

extern "C" __attribute__((visibility("default"))) int rexnet_emu_launch(const char* kernel, const char* signature,
    const unsigned* grid, const unsigned* block, void** args, int reverse, char* error, int error_capacity)
{
    using namespace rexnet_emu;
    std::lock_guard<std::mutex> lock(launch_mutex);
    Launch launch;
    current = &launch;
    launch.fibers = &fiber_pool;
    launch.args = args;
    try
    {
        launch.kernel = find_kernel(kernel);
        if (launch.kernel == nullptr)
        {
            fail(format("no emulated kernel named %s", kernel));
        }
        if (std::strcmp(launch.kernel->signature, signature) != 0)
        {
            fail(format("%s takes arguments (%s) but the caller passed (%s)", kernel, launch.kernel->signature, signature));
        }
        run_grid(launch, dim3(grid[0], grid[1], grid[2]), dim3(block[0], block[1], block[2]), reverse != 0);
    }
    catch (const LaunchFailed&)
    {
    }
    catch (const std::exception& e)
    {
        launch.error = e.what();
    }
    current = nullptr;
    if (launch.error.empty())
    {
        return 0;
    }
    std::snprintf(error, static_cast<std::size_t>(error_capacity), "%s", launch.error.c_str());
    return 1;
}

// The parameter letters of an emulated kernel, or null when no kernel of that name is registered: the
// mock CUDA driver (tests/cuda-mock) checks a module's parameter sizes against these.
extern "C" __attribute__((visibility("default"))) const char* rexnet_emu_signature(const char* kernel)
{
    const rexnet_emu::KernelEntry* entry = rexnet_emu::find_kernel(kernel);
    return entry == nullptr ? nullptr : entry->signature;
}
