// depthwise3x3.cu - depthwise 3x3 convolution, padding 1, stride 1 or 2, folded-BN bias, activation.
// The middle of every bottleneck. CPU twin: CpuOps.Depthwise3x3.
//
// Layout: float32 NCHW. x [n, c, h, w]; weight [c, 1, 3, 3]; bias [c];
//         y [n, c, oh, ow] with oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1.
// Launch: rexnet_depthwise3x3 with grid (ceil(n*c*oh*ow / DEPTHWISE3X3_BLOCK), 1, 1),
//         block (DEPTHWISE3X3_BLOCK, 1, 1). Any block size works (the index uses blockDim.x); the
//         constant is the tuned one. One thread per output element, consecutive threads on
//         consecutive output columns. A flat index keeps every thread busy on the late 7x7 and
//         14x14 stages, where a 2-D tile would idle most of a block. Element counts must fit in int.
// Variants: activation is an argument: 2 (ReLU6) for blocks without SE, 0 (none) before an SE.
#include "rexnet_common.cuh"

#define DEPTHWISE3X3_BLOCK 256

extern "C" __global__ void rexnet_depthwise3x3(const float* __restrict__ x, const float* __restrict__ weight,
    const float* __restrict__ bias, float* __restrict__ y, int n, int c, int h, int w, int stride, int activation)
{
    const int oh = (h - 1) / stride + 1;
    const int ow = (w - 1) / stride + 1;
    const int index = blockIdx.x * blockDim.x + threadIdx.x;
    if (index >= n * c * oh * ow)
    {
        return;
    }
    const int ox = index % ow;
    const int oy = index / ow % oh;
    const int plane = index / (ow * oh);
    const int ch = plane % c;
    const float* src = x + plane * h * w;
    const float* k = weight + ch * 9;
    const int ix0 = ox * stride - 1;
    const int iy0 = oy * stride - 1;

    float acc = bias[ch];
    for (int ky = 0; ky < 3; ky++)
    {
        const int iy = iy0 + ky;
        if (iy < 0 || iy >= h)
        {
            continue;
        }
        float s = 0.0f;
        for (int kx = 0; kx < 3; kx++)
        {
            const int ix = ix0 + kx;
            if (ix >= 0 && ix < w)
            {
                s += k[ky * 3 + kx] * src[iy * w + ix];
            }
        }
        acc += s;
    }
    y[index] = rexnet_activate(acc, activation);
}
