// scale_relu6.cu - y = relu6(x * gate[n, c]): applies the SE gate, then the block's ReLU6, before the projection
// conv when the engine runs its GEMMs through cuBLAS (pointwise.cu applies it while loading otherwise).
// CPU twin: CpuOps.ScaleRelu6.
//
// Layout: float32 NCHW. x and y [n, c, hw] (hw = H*W; y may not alias x); gate [n, c].
// Launch: rexnet_scale_relu6 with grid (ceil(planes*hw / SCALE_RELU6_BLOCK), 1, 1),
//         block (SCALE_RELU6_BLOCK, 1, 1), planes = n*c. One thread per element; counts must fit in int.
//         Any block size works (the index uses blockDim.x); the constant is the tuned one.
#include "rexnet_common.cuh"

#define SCALE_RELU6_BLOCK 256

extern "C" __global__ void rexnet_scale_relu6(const float* __restrict__ x, const float* __restrict__ gate,
    float* __restrict__ y, int planes, int hw)
{
    const int index = blockIdx.x * blockDim.x + threadIdx.x;
    if (index >= planes * hw)
    {
        return;
    }
    y[index] = rexnet_relu6(x[index] * gate[index / hw]);
}
