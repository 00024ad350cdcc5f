// broken_kernels.cu - kernels with deliberate bugs (and one correct twin), compiled only into the
// host emulation. EmulationSelfTests checks that the emulation exposes each bug, so the kernel tests
// passing means something. Every kernel runs as a single block; n <= blockDim.x.

#define SELFTEST_MAX_THREADS 1024

// Correct: every thread stores its value, a barrier, then thread 0 sums them.
extern "C" __global__ void selftest_sum_with_barrier(const float* x, float* y, int n)
{
    __shared__ float values[SELFTEST_MAX_THREADS];
    values[threadIdx.x] = (int)threadIdx.x < n ? x[threadIdx.x] : 0.0f;
    __syncthreads();
    if (threadIdx.x == 0)
    {
        float s = 0.0f;
        for (int i = 0; i < (int)blockDim.x; i++)
        {
            s += values[i];
        }
        y[0] = s;
    }
}

// Bug: the barrier is missing, so thread 0 may sum before the others have stored.
extern "C" __global__ void selftest_sum_missing_barrier(const float* x, float* y, int n)
{
    __shared__ float values[SELFTEST_MAX_THREADS];
    values[threadIdx.x] = (int)threadIdx.x < n ? x[threadIdx.x] : 0.0f;
    if (threadIdx.x == 0)
    {
        float s = 0.0f;
        for (int i = 0; i < (int)blockDim.x; i++)
        {
            s += values[i];
        }
        y[0] = s;
    }
}

// Bug: each thread reads its lower neighbour's store without a barrier (right only if lower threads run first).
extern "C" __global__ void selftest_shift_missing_barrier(const float* x, float* y, int n)
{
    __shared__ float values[SELFTEST_MAX_THREADS];
    const int t = threadIdx.x;
    values[t] = t < n ? x[t] : 0.0f;
    if (t > 0 && t < n)
    {
        y[t] = values[t - 1];
    }
}

// Bug: the pre-Volta warp-synchronous reduction, relying on lanes running in lockstep without __syncwarp.
extern "C" __global__ void selftest_warp_lockstep_sum(const float* x, float* y, int n)
{
    __shared__ float values[32];
    const int lane = threadIdx.x;
    values[lane] = lane < n ? x[lane] : 0.0f;
    __syncthreads();
    if (lane < 16)
    {
        volatile float* v = values;
        v[lane] += v[lane + 16];
        v[lane] += v[lane + 8];
        v[lane] += v[lane + 4];
        v[lane] += v[lane + 2];
        v[lane] += v[lane + 1];
    }
    if (lane == 0)
    {
        y[0] = values[0];
    }
}

// Bug: threads past n leave before a __syncthreads the others wait at.
extern "C" __global__ void selftest_barrier_after_exit(const float* x, float* y, int n)
{
    if ((int)threadIdx.x >= n)
    {
        return;
    }
    __syncthreads();
    y[threadIdx.x] = x[threadIdx.x];
}

// Bug: a full-mask shuffle in a block whose last warp is partial.
extern "C" __global__ void selftest_full_mask_partial_warp(const float* x, float* y, int n)
{
    float v = (int)threadIdx.x < n ? x[threadIdx.x] : 0.0f;
    v += __shfl_down_sync(0xffffffffu, v, 1);
    y[threadIdx.x] = v;
}

// Bug: lanes 0-15 shuffle among themselves, but lanes 8-15 read lanes 16-23, outside the mask.
extern "C" __global__ void selftest_shuffle_outside_mask(const float* x, float* y, int n)
{
    float v = (int)threadIdx.x < n ? x[threadIdx.x] : 0.0f;
    if (threadIdx.x < 16)
    {
        v += __shfl_down_sync(0x0000ffffu, v, 8);
    }
    y[threadIdx.x] = v;
}

// Bug: the bounds check is off by one, so the last thread writes one element past y.
extern "C" __global__ void selftest_off_by_one_write(const float* x, float* y, int n)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n)
    {
        y[i] = i < n ? x[i] : 0.0f;
    }
}
