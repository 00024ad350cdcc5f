// channel_mean.cu - y[plane] = mean of x over the plane's H*W values: the SE squeeze and the global
// average pool. CPU twin of both: CpuOps.ChannelMean.
//
// Layout: float32 NCHW. x [n, c, hw] (hw = H*W); y [n, c]. planes = n*c.
// Entry points (the same reduction, shaped for different plane sizes):
//   rexnet_se_squeeze: one block per plane. grid (planes, 1, 1), block (SE_SQUEEZE_BLOCK, 1, 1).
//     Threads stride over the plane, then warp shuffles and a shared-memory pass over the warp
//     partials (rexnet_block_sum) reduce the block. For the SE squeezes, whose planes run from
//     112x112 down to 7x7.
//   rexnet_global_avg_pool: one warp per plane, GLOBAL_AVG_POOL_BLOCK / 32 planes per block.
//     grid (ceil(planes / (GLOBAL_AVG_POOL_BLOCK / 32)), 1, 1), block (GLOBAL_AVG_POOL_BLOCK, 1, 1).
//     For the final pool (1280+ channels of 7x7), where a block per 49-value plane would idle.
// Both accept any block size that is a multiple of 32 up to their constant.
#include "rexnet_common.cuh"

#define SE_SQUEEZE_BLOCK 256
#define GLOBAL_AVG_POOL_BLOCK 256

extern "C" __global__ void __launch_bounds__(SE_SQUEEZE_BLOCK)
    rexnet_se_squeeze(const float* __restrict__ x, float* __restrict__ y, int planes, int hw)
{
    __shared__ float partials[SE_SQUEEZE_BLOCK / REXNET_WARP_SIZE];
    if ((int)blockIdx.x >= planes)
    {
        return; // the whole block leaves together, so nobody waits at the reduction's barrier
    }
    const float* src = x + blockIdx.x * hw;
    float s = 0.0f;
    for (int i = threadIdx.x; i < hw; i += blockDim.x)
    {
        s += src[i];
    }
    s = rexnet_block_sum(s, partials);
    if (threadIdx.x == 0)
    {
        y[blockIdx.x] = s / (float)hw;
    }
}

extern "C" __global__ void __launch_bounds__(GLOBAL_AVG_POOL_BLOCK)
    rexnet_global_avg_pool(const float* __restrict__ x, float* __restrict__ y, int planes, int hw)
{
    const int lane = threadIdx.x % REXNET_WARP_SIZE;
    const int plane = blockIdx.x * (blockDim.x / REXNET_WARP_SIZE) + threadIdx.x / REXNET_WARP_SIZE;
    if (plane >= planes)
    {
        return; // whole warps leave together, so the shuffles below always see all 32 lanes
    }
    const float* src = x + plane * hw;
    float s = 0.0f;
    for (int i = lane; i < hw; i += REXNET_WARP_SIZE)
    {
        s += src[i];
    }
    s = rexnet_warp_sum(s);
    if (lane == 0)
    {
        y[plane] = s / (float)hw;
    }
}
