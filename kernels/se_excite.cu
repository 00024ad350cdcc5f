// se_excite.cu - the SE excitation on pooled features:
//   hidden = relu(W1 pooled + b1)   (the SE's BatchNorm folded into W1 and b1)
//   gate   = sigmoid(W2 hidden + b2)
// CPU twin: CpuOps.SeExcite.
//
// Layout: float32. pooled [n, c]; w1 [rd, c]; b1 [rd]; w2 [c, rd]; b2 [c]; gate [n, c].
// Launch: rexnet_se_excite with grid (n, 1, 1), block (SE_EXCITE_BLOCK, 1, 1): one block per image.
//         fc1: warp k computes hidden units k, k + warps, ...; its lanes stride over the c inputs
//         (coalesced rows of W1) and a warp shuffle sums them. hidden lives in shared memory.
//         fc2: thread t computes gate outputs t, t + blockDim.x, ... from the shared hidden vector.
//         Any block size that is a multiple of 32 up to SE_EXCITE_BLOCK works.
// Limits: rd <= SE_EXCITE_MAX_HIDDEN (the widest SE in the zoo, rexnetr_300's last, has 272); a larger rd traps
//         rather than overrun shared memory. Callers check it before launching.
#include "rexnet_common.cuh"

#define SE_EXCITE_BLOCK 256
#define SE_EXCITE_MAX_HIDDEN 1024

extern "C" __global__ void __launch_bounds__(SE_EXCITE_BLOCK) rexnet_se_excite(const float* __restrict__ pooled,
    const float* __restrict__ w1, const float* __restrict__ b1, const float* __restrict__ w2,
    const float* __restrict__ b2, float* __restrict__ gate, int c, int rd)
{
    __shared__ float hidden[SE_EXCITE_MAX_HIDDEN];
    if (rd > SE_EXCITE_MAX_HIDDEN)
    {
        __trap();
    }
    const int lane = threadIdx.x % REXNET_WARP_SIZE;
    const int warp = threadIdx.x / REXNET_WARP_SIZE;
    const int warps = blockDim.x / REXNET_WARP_SIZE;
    const float* p = pooled + blockIdx.x * c;

    for (int r = warp; r < rd; r += warps)
    {
        const float* row = w1 + r * c;
        float s = 0.0f;
        for (int i = lane; i < c; i += REXNET_WARP_SIZE)
        {
            s += row[i] * p[i];
        }
        s = rexnet_warp_sum(s);
        if (lane == 0)
        {
            hidden[r] = fmaxf(s + b1[r], 0.0f);
        }
    }
    __syncthreads();

    for (int o = threadIdx.x; o < c; o += blockDim.x)
    {
        const float* row = w2 + o * rd;
        float s = b2[o];
        for (int r = 0; r < rd; r++)
        {
            s += row[r] * hidden[r];
        }
        gate[blockIdx.x * c + o] = 1.0f / (1.0f + expf(-s));
    }
}
