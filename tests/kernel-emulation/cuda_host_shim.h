// cuda_host_shim.h - runs the kernels/*.cu sources on the CPU, unchanged, for the kernel tests.
//
// Compile a kernel file with g++ -x c++ -include cuda_host_shim.h -mfma -Wno-unknown-pragmas and link it with
// emu_runtime.cpp. -mfma makes fmaf an instruction rather than a libm call, and lets g++ contract a*b+c into
// one fused multiply-add as NVRTC does by default; g++ ignores #pragma unroll.
// The tests do this themselves (tests/RexNet.Tests/Kernels/Emulation/EmulatorBuild.cs): one wrapper
// per kernels/*.cu that includes it inside a namespace and registers its entry points (emu_runtime.h),
// built into librexnet_kernel_emu.so and cached by a hash of the sources. The shim maps CUDA's
// kernel-side vocabulary onto a host emulation:
//
//   * Blocks run one after another (in reverse order under the reverse schedule).
//   * The threads of a block run as fibers (one stack each, switched without system calls). A fiber runs until it
//     reaches __syncthreads, __syncwarp, a warp shuffle/vote or the end of the kernel, then the
//     scheduler runs the next ready fiber. __syncthreads is a real barrier: nobody passes it until
//     every thread of the block has arrived at it.
//   * Warp shuffles and votes exchange values among the lanes of a warp (32 consecutive linear
//     thread ids) through per-lane mailboxes: each lane deposits its value and waits; when every
//     lane named in the mask has arrived the scheduler computes every lane's result.
//   * __shared__ variables are static storage placed in one ELF section; the runtime fills that
//     section with 0xFF bytes (NaN as float, -1 as int) before every block, so a read of shared
//     memory nobody wrote in this block yields NaN instead of a plausible stale value.
//   * threadIdx/blockIdx/blockDim/gridDim read globals the scheduler sets before resuming a fiber.
//   * Launches check CUDA's limits (1024 threads per block, 64 in z, 65535 grid blocks in y and z).
//
// What the emulation catches:
//   * indexing, boundary and tail bugs (the tests pad every buffer with NaN guards and fail when a
//     guard is overwritten or a NaN read from one reaches an output);
//   * a missing __syncthreads between a write and another thread's read of shared memory: between
//     barriers the threads run one at a time, in increasing thread order under the forward schedule
//     and decreasing order under the reverse one, so in one of the two schedules the reader runs
//     before the writer and reads poison (or the previous phase's value). The tests run both;
//   * warp-synchronous code that relies on lockstep execution without __syncwarp (lanes do not run
//     in lockstep here either, exactly as Volta and later do not guarantee it);
//   * __syncthreads reached by only part of the block (some threads exited or wait at a different
//     __syncthreads), a shuffle whose mask names lanes that do not exist, that have exited or that
//     do not call it, a lane calling a shuffle outside its own mask, a lane reading from a lane
//     outside the mask, and mismatched shuffle kinds/widths: each fails the launch with a message;
//   * use of fast-math intrinsics (__expf, __fdividef, ...) and of anything else CUDA-only that the
//     shim does not provide: the kernel fails to compile for the emulation.
//
// What it cannot catch:
//   * races among the threads of one phase on the same global or shared address (the emulation runs
//     them in a fixed order, so the result is deterministic where the GPU's is not), and missing
//     __threadfence/volatile (memory-model effects do not exist on one host thread);
//   * dependencies between blocks (blocks run to completion one after another);
//   * reads or writes that land beyond the NaN guard zones around each test buffer (4 KiB a side),
//     a missing barrier whose stale value happens to equal the right one, and wrong results that only arise
//     with the device's libm or its own choice of which a*b+c to fuse (host libm is used, and g++ fuses
//     where it sees fit, not where NVRTC does, so results differ in the last bits - the tests compare with
//     a tolerance);
//   * resource limits: registers, shared memory per block, occupancy, speed (NVRTC + ptxas report
//     these; see the NVRTC tests).
//
//   * Atomics and __threadfence: blocks run one after another and threads one at a time, so an atomic is a
//     plain read-modify-write and a fence orders nothing more. A "last block does the rest" reduction
//     (a counter bumped after a fence) therefore runs its final step in whichever block comes last in
//     the schedule: the first block under the reverse schedule, which the tests run too. What the
//     emulation cannot check is that the fence is there (see below).
//
// Not provided (a kernel using them fails to compile here): dynamic shared memory (extern __shared__),
// textures, cooperative groups, __activemask, fast-math intrinsics.
#pragma once

#include <math.h>

#include <cstddef>
#include <cstring>
#include <type_traits>

#define REXNET_HOST_EMULATION 1

struct uint3
{
    unsigned int x, y, z;
};

struct alignas(16) float4
{
    float x, y, z, w;
};

inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

struct dim3
{
    unsigned int x, y, z;
    constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
};

namespace rexnet_emu
{
// Set by the scheduler before it resumes a fiber; kernels read them through the macros below.
inline uint3 current_thread_idx;
inline uint3 current_block_idx;
inline dim3 current_block_dim;
inline dim3 current_grid_dim;

enum class WarpOp : int
{
    Sync,
    ShflIdx,
    ShflUp,
    ShflDown,
    ShflXor,
    Ballot,
};

// Implemented in emu_runtime.cpp. Each suspends the calling fiber until the scheduler releases it.
void syncthreads(const char* file, int line);
void warp_op(WarpOp op, unsigned mask, const void* value, void* result, std::size_t size, int param, int width,
    const char* file, int line);
[[noreturn]] void trap(const char* file, int line);

template <class T>
T warp_exchange(WarpOp op, unsigned mask, T value, int param, int width, const char* file, int line)
{
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8, "warp shuffles move values of up to 8 bytes");
    T result;
    warp_op(op, mask, &value, &result, sizeof(T), param, width, file, line);
    return result;
}
} // namespace rexnet_emu

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __constant__ static
#define __shared__ static __attribute__((section("rexnet_emu_shared"), aligned(16)))

#define threadIdx (static_cast<const uint3&>(::rexnet_emu::current_thread_idx))
#define blockIdx (static_cast<const uint3&>(::rexnet_emu::current_block_idx))
#define blockDim (static_cast<const dim3&>(::rexnet_emu::current_block_dim))
#define gridDim (static_cast<const dim3&>(::rexnet_emu::current_grid_dim))
constexpr int warpSize = 32;

// __builtin_FILE/__builtin_LINE as default arguments name the caller, so failures point at the kernel line.
inline void __syncthreads(const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    ::rexnet_emu::syncthreads(file, line);
}

inline void __syncwarp(unsigned mask = 0xffffffffu, const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    ::rexnet_emu::warp_op(::rexnet_emu::WarpOp::Sync, mask, nullptr, nullptr, 0, 0, warpSize, file, line);
}

[[noreturn]] inline void __trap(const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    ::rexnet_emu::trap(file, line);
}

template <class T>
T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize, const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    return ::rexnet_emu::warp_exchange(::rexnet_emu::WarpOp::ShflIdx, mask, var, srcLane, width, file, line);
}

template <class T>
T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = warpSize, const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    return ::rexnet_emu::warp_exchange(::rexnet_emu::WarpOp::ShflUp, mask, var, static_cast<int>(delta), width, file, line);
}

template <class T>
T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = warpSize, const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    return ::rexnet_emu::warp_exchange(::rexnet_emu::WarpOp::ShflDown, mask, var, static_cast<int>(delta), width, file, line);
}

template <class T>
T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize, const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    return ::rexnet_emu::warp_exchange(::rexnet_emu::WarpOp::ShflXor, mask, var, laneMask, width, file, line);
}

inline unsigned __ballot_sync(unsigned mask, int predicate, const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    return ::rexnet_emu::warp_exchange(::rexnet_emu::WarpOp::Ballot, mask, predicate != 0 ? 1u : 0u, 0, warpSize, file, line);
}

inline int __any_sync(unsigned mask, int predicate, const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    return __ballot_sync(mask, predicate, file, line) != 0u;
}

inline int __all_sync(unsigned mask, int predicate, const char* file = __builtin_FILE(), int line = __builtin_LINE())
{
    return __ballot_sync(mask, predicate, file, line) == mask;
}

template <class T>
inline T __ldg(const T* p)
{
    return *p;
}

// A load that bypasses L1 on the device (for data other blocks of the same launch wrote).
template <class T>
inline T __ldcg(const T* p)
{
    return *p;
}

inline void __threadfence() {}

template <class T>
inline T atomicAdd(T* address, T value)
{
    T old = *address;
    *address = old + value;
    return old;
}

// CUDA's device-side min/max overloads for the types the kernels use.
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned int min(unsigned int a, unsigned int b) { return a < b ? a : b; }
inline unsigned int max(unsigned int a, unsigned int b) { return a > b ? a : b; }
inline float rsqrtf(float v) { return 1.0f / sqrtf(v); }
