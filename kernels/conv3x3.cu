// conv3x3.cu - dense 3x3 convolution, padding 1, stride 1 or 2, folded-BN bias, activation.
// The network's stem (3 -> stem channels, stride 2, SiLU). CPU twin: CpuOps.Conv3x3.
//
// Layout: float32 NCHW. x [n, cin, h, w]; weight [cout, cin, 3, 3]; bias [cout];
//         y [n, cout, oh, ow] with oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1.
// Launch: rexnet_conv3x3 with grid (ceil(n*cout*oh*ow / CONV3X3_BLOCK), 1, 1), block (CONV3X3_BLOCK, 1, 1).
//         Any block size works (the index uses blockDim.x); the constant is the tuned one.
//         One thread per output element; consecutive threads take consecutive output columns, so
//         loads along a row coalesce. Element counts must fit in int.
// Variants: activation is an argument (0 none, 1 SiLU, 2 ReLU6; see rexnet_common.cuh).
#include "rexnet_common.cuh"

#define CONV3X3_BLOCK 256

extern "C" __global__ void rexnet_conv3x3(const float* __restrict__ x, const float* __restrict__ weight,
    const float* __restrict__ bias, float* __restrict__ y, int n, int cin, int h, int w, int cout, int stride,
    int activation)
{
    const int oh = (h - 1) / stride + 1;
    const int ow = (w - 1) / stride + 1;
    const int index = blockIdx.x * blockDim.x + threadIdx.x;
    if (index >= n * cout * oh * ow)
    {
        return;
    }
    const int ox = index % ow;
    const int oy = index / ow % oh;
    const int co = index / (ow * oh) % cout;
    const int b = index / (ow * oh * cout);
    const int ix0 = ox * stride - 1;
    const int iy0 = oy * stride - 1;

    float acc = bias[co];
    for (int ci = 0; ci < cin; ci++)
    {
        const float* plane = x + (b * cin + ci) * h * w;
        const float* k = weight + (co * cin + ci) * 9;
        float s = 0.0f;
        for (int ky = 0; ky < 3; ky++)
        {
            const int iy = iy0 + ky;
            if (iy < 0 || iy >= h)
            {
                continue;
            }
            for (int kx = 0; kx < 3; kx++)
            {
                const int ix = ix0 + kx;
                if (ix >= 0 && ix < w)
                {
                    s += k[ky * 3 + kx] * plane[iy * w + ix];
                }
            }
        }
        acc += s;
    }
    y[index] = rexnet_activate(acc, activation);
}
