// rexnet_common.cuh - helpers shared by the kernels: activations, warp/block sum reductions, and the
// "last block finishes" step of single-pass reductions across the blocks of one launch.
//
// Activation codes are the values of RexNet.Model.Activation (C#): 0 none, 1 SiLU, 2 ReLU6. Kernels
// take the code as an int argument: it is uniform across a launch, so the branch costs nothing
// measurable and each op needs one entry point instead of one per activation.
//
// No fast math: expf, not __expf, so results track the CPU twins (CpuOps) to a few ulps.
// NVRTC has no system headers: nothing here (or in any kernel) may include one.
#pragma once

#define REXNET_ACT_NONE 0
#define REXNET_ACT_SILU 1
#define REXNET_ACT_RELU6 2

#define REXNET_WARP_SIZE 32
#define REXNET_FULL_MASK 0xffffffffu

__device__ __forceinline__ float rexnet_relu6(float v)
{
    return fminf(fmaxf(v, 0.0f), 6.0f);
}

__device__ __forceinline__ float rexnet_sigmoid(float v)
{
    return 1.0f / (1.0f + expf(-v));
}

__device__ __forceinline__ float rexnet_activate(float v, int activation)
{
    if (activation == REXNET_ACT_SILU)
    {
        return v / (1.0f + expf(-v));
    }
    if (activation == REXNET_ACT_RELU6)
    {
        return rexnet_relu6(v);
    }
    return v;
}

// Sum over the 32 lanes of a full warp; every lane receives the total.
__device__ __forceinline__ float rexnet_warp_sum(float v)
{
    for (int offset = REXNET_WARP_SIZE / 2; offset > 0; offset /= 2)
    {
        v += __shfl_xor_sync(REXNET_FULL_MASK, v, offset);
    }
    return v;
}

// Sum over a block whose size is a multiple of 32 (at most 1024 threads). `partials` is a __shared__
// array of at least blockDim.x / 32 floats owned by the caller. Thread 0 receives the total; the
// other threads receive partial sums. Every thread of the block must call it.
__device__ __forceinline__ float rexnet_block_sum(float v, float* partials)
{
    const int lane = threadIdx.x % REXNET_WARP_SIZE;
    const int warp = threadIdx.x / REXNET_WARP_SIZE;
    const int warps = blockDim.x / REXNET_WARP_SIZE;
    v = rexnet_warp_sum(v);
    if (lane == 0)
    {
        partials[warp] = v;
    }
    __syncthreads();
    if (warp == 0)
    {
        v = lane < warps ? partials[lane] : 0.0f;
        v = rexnet_warp_sum(v);
    }
    return v;
}

// Single-pass reduction across blocks: each block has written its partial result to global memory; this
// makes the writes visible device-wide (__threadfence), then bumps `counter`. It returns true, in every
// thread of the block, only in the block that brings the counter to `blocks`: that block sees every
// partial (read them with __ldcg, past L1) and finishes the reduction. It must then set the counter back
// to 0, so the next launch (a graph replay) starts from zero. Every thread of the block must call it.
static __device__ __forceinline__ bool rexnet_last_block(unsigned* counter, unsigned blocks)
{
    __shared__ int last;
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0)
    {
        last = atomicAdd(counter, 1u) == blocks - 1 ? 1 : 0;
    }
    __syncthreads();
    return last != 0;
}
