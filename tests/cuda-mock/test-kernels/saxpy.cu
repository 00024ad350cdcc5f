// saxpy.cu - y = a*x + y over n elements, one thread each. Not part of the engine: the driver and NVRTC
// tests compile, load and launch it (on a GPU, and on the mock, whose emulation includes this folder).
#include "scale.cuh"

extern "C" __global__ void saxpy(float a, const float* __restrict__ x, float* __restrict__ y, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
    {
        y[i] = scale(a, x[i]) + y[i];
    }
}
