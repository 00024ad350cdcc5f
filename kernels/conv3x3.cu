// conv3x3.cu - dense 3x3 convolution, padding 1, stride 1 or 2, folded-BN bias, activation.
// The network's stem (3 -> stem channels, stride 2, SiLU). CPU twin: CpuOps.Conv3x3.
//
// Layout: float32 NCHW. x [n, cin, h, w]; weight [cout, cin, 3, 3]; bias [cout];
//         y [n, cout, oh, ow] with oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1.
// Launch: rexnet_conv3x3 with grid (ceil(n*oh*ow / CONV3X3_BLOCK), ceil(cout / CONV3X3_COUT_PER_THREAD), 1),
//         block (CONV3X3_BLOCK, 1, 1). Any block size works (the index uses blockDim.x); the constant is
//         the tuned one. Each thread computes one output pixel for CONV3X3_COUT_PER_THREAD output channels:
//         every input value it loads (cin * 9 of them, through the read-only cache) feeds that many
//         accumulators in registers, and the weights it reads are the same for the whole block (broadcast).
//         Consecutive threads take consecutive output columns, so loads and stores coalesce along rows.
// Variants: activation is an argument (0 none, 1 SiLU, 2 ReLU6; see rexnet_common.cuh).
// Limits: element counts must fit in int.
#include "rexnet_common.cuh"

#define CONV3X3_BLOCK 256
#define CONV3X3_COUT_PER_THREAD 8

extern "C" __global__ void __launch_bounds__(CONV3X3_BLOCK) rexnet_conv3x3(const float* __restrict__ x,
    const float* __restrict__ weight, const float* __restrict__ bias, float* __restrict__ y, int n, int cin, int h,
    int w, int cout, int stride, int activation)
{
    const int oh = (h - 1) / stride + 1;
    const int ow = (w - 1) / stride + 1;
    const int index = blockIdx.x * blockDim.x + threadIdx.x;
    if (index >= n * oh * ow)
    {
        return;
    }
    const int ox = index % ow;
    const int oy = index / ow % oh;
    const int b = index / (ow * oh);
    const int co0 = blockIdx.y * CONV3X3_COUT_PER_THREAD;
    const int ix0 = ox * stride - 1;
    const int iy0 = oy * stride - 1;

    float acc[CONV3X3_COUT_PER_THREAD];
#pragma unroll
    for (int o = 0; o < CONV3X3_COUT_PER_THREAD; o++)
    {
        acc[o] = co0 + o < cout ? __ldg(bias + co0 + o) : 0.0f;
    }
    for (int ci = 0; ci < cin; ci++)
    {
        const float* plane = x + ((long long)b * cin + ci) * h * w;
#pragma unroll
        for (int ky = 0; ky < 3; ky++)
        {
            const int iy = iy0 + ky;
#pragma unroll
            for (int kx = 0; kx < 3; kx++)
            {
                const int ix = ix0 + kx;
                const float v = iy >= 0 && iy < h && ix >= 0 && ix < w ? __ldg(plane + iy * w + ix) : 0.0f;
#pragma unroll
                for (int o = 0; o < CONV3X3_COUT_PER_THREAD; o++)
                {
                    if (co0 + o < cout)
                    {
                        acc[o] = fmaf(__ldg(weight + ((co0 + o) * cin + ci) * 9 + ky * 3 + kx), v, acc[o]);
                    }
                }
            }
        }
    }
#pragma unroll
    for (int o = 0; o < CONV3X3_COUT_PER_THREAD; o++)
    {
        if (co0 + o < cout)
        {
            y[(((long long)b * cout + co0 + o) * oh + oy) * ow + ox] = rexnet_activate(acc[o], activation);
        }
    }
}
