// gemm_epilogue.cu - in place y = act(y + bias[channel]) + (channel < cres ? residual : 0): what follows a
// cuBLAS SGEMM of a 1x1 conv or the classifier when the engine runs its GEMMs through cuBLAS
// (EngineOptions.Gemm = Cublas); pointwise.cu does the same inside its own GEMM. CPU twins:
// CpuOps.BiasActivation, then CpuOps.PartialResidualAdd.
//
// Layout: float32 NCHW. y [n, c, hw] (updated in place); bias [c]; residual [n, cres, hw] or null (cres 0).
// Launch: rexnet_gemm_epilogue with grid (ceil(n*c*hw / GEMM_EPILOGUE_BLOCK), 1, 1), block (GEMM_EPILOGUE_BLOCK, 1, 1).
//         One thread per element, consecutive threads on consecutive pixels. Any block size works (the
//         index uses blockDim.x); the constant is the tuned one. Element counts must fit in int.
// Variants: activation is an argument (1 SiLU after expansions and the final 1x1, 0 none after
//           projections and the classifier).
#include "rexnet_common.cuh"

#define GEMM_EPILOGUE_BLOCK 256

extern "C" __global__ void rexnet_gemm_epilogue(float* __restrict__ y, const float* __restrict__ bias,
    const float* __restrict__ residual, int n, int c, int hw, int cres, int activation)
{
    const int index = blockIdx.x * blockDim.x + threadIdx.x;
    if (index >= n * c * hw)
    {
        return;
    }
    const int p = index % hw;
    const int ch = index / hw % c;
    const int b = index / (hw * c);
    float v = rexnet_activate(y[index] + bias[ch], activation);
    if (ch < cres)
    {
        v += residual[((long long)b * cres + ch) * hw + p];
    }
    y[index] = v;
}
