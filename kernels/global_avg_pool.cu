// global_avg_pool.cu - y[plane] = mean of x over the plane's H*W values: the final pool before the
// classifier. CPU twin: CpuOps.ChannelMean. (The SE squeezes are done inside depthwise3x3.cu.)
//
// Layout: float32 NCHW. x [n, c, hw] (hw = H*W); y [n, c]. planes = n*c.
// Launch: rexnet_global_avg_pool with grid (ceil(planes / (GLOBAL_AVG_POOL_BLOCK / 32)), 1, 1),
//         block (GLOBAL_AVG_POOL_BLOCK, 1, 1): one warp per plane, GLOBAL_AVG_POOL_BLOCK / 32 planes per
//         block. The final pool reduces 1280+ channels of 7x7 at 224x224: a warp per 49-value plane keeps
//         the lanes busy where a block per plane would idle. Any block size that is a multiple of 32 works.
#include "rexnet_common.cuh"

#define GLOBAL_AVG_POOL_BLOCK 256

extern "C" __global__ void __launch_bounds__(GLOBAL_AVG_POOL_BLOCK)
    rexnet_global_avg_pool(const float* __restrict__ x, float* __restrict__ y, int planes, int hw)
{
    const int lane = threadIdx.x % REXNET_WARP_SIZE;
    const int plane = blockIdx.x * (blockDim.x / REXNET_WARP_SIZE) + threadIdx.x / REXNET_WARP_SIZE;
    if (plane >= planes)
    {
        return; // whole warps leave together, so the shuffles below always see all 32 lanes
    }
    const float* src = x + (long long)plane * hw;
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
