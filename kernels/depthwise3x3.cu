// depthwise3x3.cu - depthwise 3x3 convolution, padding 1, stride 1 or 2, folded-BN bias, activation; and
// for blocks with squeeze-excitation the whole SE inside the same launch:
//   y = act(dwconv(x) + bias)                                      (every block)
//   pooled = mean over H*W of y; hidden = relu(W1 pooled + b1);
//   gate = sigmoid(W2 hidden + b2)                                 (rd > 0: SE blocks, act = none)
// The projection conv then applies relu6(y * gate) while it loads y (pointwise.cu), so an SE block costs
// no launch of its own. CPU twins: CpuOps.Depthwise3x3; with SE also CpuOps.ChannelMean and CpuOps.SeExcite.
//
// Layout: float32 NCHW. x [n, c, h, w]; weight [c, 1, 3, 3]; bias [c]; y [n, c, oh, ow] with
//         oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1. SE (rd > 0): w1t [c, rd] (W1 transposed),
//         b1 [rd], w2t [rd, c] (W2 transposed), b2 [c], gate [n, c]; with rd = 0 these may be null.
// Launch: rexnet_depthwise3x3 with grid (ceil(c * chunks / DEPTHWISE_WARPS), n, 1), block (DEPTHWISE_BLOCK, 1, 1),
//         chunks = ceil(oh*ow / (32 * per_lane)), per_lane in 1..DEPTHWISE_MAX_PER_LANE (the launcher picks the
//         smallest that covers small planes with few chunks). Each warp takes one (channel, chunk) item:
//         its lanes compute per_lane outputs each, lane-interleaved, so loads and stores coalesce along
//         rows; the 3x3 window is read through the read-only cache. Block size is fixed (8 warps).
// SE, in one pass (no extra launch): a warp sums its outputs (shuffles); the block multiplies its 8 sums
//         by the matching rows of W1 transposed (fc1 is linear, so this spreads fc1 over all blocks) and
//         writes that rd-vector to partials [n][gridDim.x][rd]. The last block of each image to finish
//         (per-image counter in counters [n], reset by that block) adds the vectors in block order,
//         applies bias and ReLU, then computes all c gates from W2 transposed, reading coalesced rows.
//         The order of every sum is fixed, so results do not depend on which block finished last.
// Limits: rd <= DEPTHWISE_SE_MAX_HIDDEN (hidden lives in shared memory; the widest SE in the zoo,
//         rexnetr_300's last, has 272); larger traps. Element counts must fit in int.
#include "rexnet_common.cuh"

#define DEPTHWISE_BLOCK 256
#define DEPTHWISE_WARPS (DEPTHWISE_BLOCK / REXNET_WARP_SIZE)
#define DEPTHWISE_MAX_PER_LANE 4
#define DEPTHWISE_SE_MAX_HIDDEN 1024

extern "C" __global__ void __launch_bounds__(DEPTHWISE_BLOCK) rexnet_depthwise3x3(const float* __restrict__ x,
    const float* __restrict__ weight, const float* __restrict__ bias, float* __restrict__ y,
    const float* __restrict__ w1t, const float* __restrict__ b1, const float* __restrict__ w2t,
    const float* __restrict__ b2, float* __restrict__ gate, float* __restrict__ partials,
    unsigned* __restrict__ counters, int c, int h, int w, int stride, int activation, int per_lane, int rd)
{
    __shared__ float item_sum[DEPTHWISE_WARPS];
    __shared__ int item_channel[DEPTHWISE_WARPS];
    __shared__ float hidden[DEPTHWISE_SE_MAX_HIDDEN];
    if (rd > DEPTHWISE_SE_MAX_HIDDEN)
    {
        __trap();
    }
    const int oh = (h - 1) / stride + 1;
    const int ow = (w - 1) / stride + 1;
    const int plane = oh * ow;
    const int chunk_size = REXNET_WARP_SIZE * per_lane;
    const int chunks = (plane + chunk_size - 1) / chunk_size;
    const int lane = threadIdx.x % REXNET_WARP_SIZE;
    const int warp = threadIdx.x / REXNET_WARP_SIZE;
    const int b = blockIdx.y;
    const int item = blockIdx.x * DEPTHWISE_WARPS + warp;
    const int ch = item / chunks;

    float sum = 0.0f;
    if (ch < c)
    {
        const int chunk = item - ch * chunks;
        const float* src = x + ((long long)b * c + ch) * h * w;
        float* dst = y + ((long long)b * c + ch) * plane;
        const float* k = weight + ch * 9;
        float taps[9];
#pragma unroll
        for (int t = 0; t < 9; t++)
        {
            taps[t] = __ldg(k + t);
        }
        const float bias_c = __ldg(bias + ch);
#pragma unroll
        for (int i = 0; i < DEPTHWISE_MAX_PER_LANE; i++)
        {
            const int p = chunk * chunk_size + i * REXNET_WARP_SIZE + lane;
            if (i >= per_lane || p >= plane)
            {
                continue;
            }
            const int oy = p / ow;
            const int ox = p - oy * ow;
            const int iy0 = oy * stride - 1;
            const int ix0 = ox * stride - 1;
            float acc = bias_c;
#pragma unroll
            for (int ky = 0; ky < 3; ky++)
            {
                const int iy = iy0 + ky;
                if (iy < 0 || iy >= h)
                {
                    continue;
                }
                float s = 0.0f;
#pragma unroll
                for (int kx = 0; kx < 3; kx++)
                {
                    const int ix = ix0 + kx;
                    if (ix >= 0 && ix < w)
                    {
                        s += taps[ky * 3 + kx] * __ldg(src + iy * w + ix);
                    }
                }
                acc += s;
            }
            const float v = rexnet_activate(acc, activation);
            dst[p] = v;
            sum += v;
        }
    }
    if (rd == 0)
    {
        return; // no SE: the whole launch leaves here
    }

    // SE: this block's share of fc1, from the sums of its warps' items.
    sum = rexnet_warp_sum(sum);
    if (lane == 0)
    {
        item_sum[warp] = sum;
        item_channel[warp] = ch < c ? ch : -1;
    }
    __syncthreads();
    float* block_partial = partials + ((long long)b * gridDim.x + blockIdx.x) * rd;
    for (int r = threadIdx.x; r < rd; r += blockDim.x)
    {
        float acc = 0.0f;
#pragma unroll
        for (int i = 0; i < DEPTHWISE_WARPS; i++)
        {
            if (item_channel[i] >= 0)
            {
                acc += __ldg(w1t + (long long)item_channel[i] * rd + r) * item_sum[i];
            }
        }
        block_partial[r] = acc;
    }
    if (!rexnet_last_block(counters + b, gridDim.x))
    {
        return;
    }

    // The last block of image b: fc1's sum over blocks, bias, ReLU; then fc2 and the sigmoid for every channel.
    const float* image_partials = partials + (long long)b * gridDim.x * rd;
    const float inv_plane = 1.0f / (float)plane;
    for (int r = threadIdx.x; r < rd; r += blockDim.x)
    {
        float acc = 0.0f;
        for (int blk = 0; blk < (int)gridDim.x; blk++)
        {
            acc += __ldcg(image_partials + (long long)blk * rd + r);
        }
        hidden[r] = fmaxf(acc * inv_plane + b1[r], 0.0f);
    }
    __syncthreads();
    for (int o = threadIdx.x; o < c; o += blockDim.x)
    {
        float s = b2[o];
        for (int r = 0; r < rd; r++)
        {
            s += __ldg(w2t + (long long)r * c + o) * hidden[r];
        }
        gate[(long long)b * c + o] = rexnet_sigmoid(s);
    }
    if (threadIdx.x == 0)
    {
        counters[b] = 0;
    }
}
