// partial_residual_add.cu - in place y[b, 0..cres) += residual[b]: timm's ReXNet shortcut, which adds
// the block input to the first cres of the cout output channels. CPU twin: CpuOps.PartialResidualAdd.
//
// Layout: float32 NCHW. y [n, cout, hw] (updated in place); residual [n, cres, hw], cres <= cout.
// Launch: rexnet_partial_residual_add with grid (ceil(n*cres*hw / PARTIAL_RESIDUAL_ADD_BLOCK), 1, 1),
//         block (PARTIAL_RESIDUAL_ADD_BLOCK, 1, 1). One thread per residual element, so the channels
//         past cres are never touched; counts must fit in int.
//         Any block size works (the index uses blockDim.x); the constant is the tuned one.
#include "rexnet_common.cuh"

#define PARTIAL_RESIDUAL_ADD_BLOCK 256

extern "C" __global__ void rexnet_partial_residual_add(float* __restrict__ y, const float* __restrict__ residual,
    int n, int cout, int cres, int hw)
{
    const int index = blockIdx.x * blockDim.x + threadIdx.x;
    const int per_image = cres * hw;
    if (index >= n * per_image)
    {
        return;
    }
    const int b = index / per_image;
    const int offset = index - b * per_image;
    y[b * cout * hw + offset] += residual[index];
}
