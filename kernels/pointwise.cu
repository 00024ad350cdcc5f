// pointwise.cu - 1x1 convolution as a tiled FP32 GEMM with the whole layer inside:
//   y[b, m, p] = act(bias[m] + sum_k W[m, k] * in(x)[b, k, p]) + (m < cres ? residual[b, m, p] : 0)
// where in(x) = x, or relu6(x * gate[b, k]) when `gate` is given (the SE gate and the block's ReLU6,
// applied while the input tile is loaded). Serves the expansion convs (SiLU), the projections (no
// activation, gated input, partial residual), the final 1x1 conv (SiLU) and the classifier (hw = 1).
// CPU twin: CpuOps.Pointwise (after CpuOps.ScaleRelu6 for the gated input).
//
// Layout: float32 NCHW. x [n, cin, hw]; gate [n, cin] or null; wt [cin, cout_padded]: W transposed, each
//         row padded with zeros to cout_padded (a multiple of 4), so a row of the weight tile is one
//         aligned, coalesced 16-byte load per thread; bias [cout]; residual [n, cres, hw] or null (cres 0);
//         y [n, cout, hw]. The GEMM's columns are (image, pixel) pairs flattened, j = b * hw + p, so small
//         late layers (7x7) batch their images into one tile instead of padding each image's 49 columns.
// Launch: rexnet_pointwise with grid (ceil(n*hw / POINTWISE_TILE_N), ceil(cout / POINTWISE_TILE_M), splits),
//         block (POINTWISE_BLOCK, 1, 1). Block size is fixed: the tiles are laid out for 256 threads.
//         Each block computes a 64x64 output tile; each thread a 4x4 register block of it (rows ty*4..,
//         columns tx*4..), from 16-deep k-slices of both operands in shared memory. The next slice is
//         loaded into registers while the current one is multiplied (double-buffered shared memory, one
//         barrier per slice). FP32 FMA throughout: no tensor cores (TF32 would break float32 parity).
// Split-K: when the output has too few tiles to fill the GPU (late layers at batch 1), grid.z = splits
//         blocks share a tile, each summing k_per_split input channels (a multiple of POINTWISE_TILE_K).
//         Each writes its 64x64 partial to `partials` [tiles][splits][64*64]; the last block to finish a
//         tile (a counter per tile in `counters`, reset by that block) sums the partials in split order
//         and applies the epilogue, so the result does not depend on which block finished last.
//         With splits = 1, partials and counters may be null.
// Variants: activation is an argument (0 none, 1 SiLU, 2 ReLU6); gate and residual are optional.
// Limits: element counts must fit in int.
#include "rexnet_common.cuh"

#define POINTWISE_BLOCK 256
#define POINTWISE_TILE_M 64
#define POINTWISE_TILE_N 64
#define POINTWISE_TILE_K 16

extern "C" __global__ void __launch_bounds__(POINTWISE_BLOCK) rexnet_pointwise(const float* __restrict__ x,
    const float* __restrict__ gate, const float* __restrict__ wt, const float* __restrict__ bias,
    const float* __restrict__ residual, float* __restrict__ y, float* __restrict__ partials,
    unsigned* __restrict__ counters, int n, int cin, int cout, int cout_padded, int hw, int cres, int activation,
    int k_per_split)
{
    __shared__ __align__(16) float a_tile[2][POINTWISE_TILE_K][POINTWISE_TILE_M];
    __shared__ __align__(16) float b_tile[2][POINTWISE_TILE_K][POINTWISE_TILE_N];

    const int tid = threadIdx.x;
    const int tx = tid % 16; // column group: columns tx*4 .. tx*4+3 of the tile
    const int ty = tid / 16; // row group: rows ty*4 .. ty*4+3
    const int columns = n * hw;
    const int m0 = blockIdx.y * POINTWISE_TILE_M;
    const int j0 = blockIdx.x * POINTWISE_TILE_N;
    const int k_begin = blockIdx.z * k_per_split;
    const int k_end = min(cin, k_begin + k_per_split);

    // Weight tile loads: one float4 per thread, row a_k of the slice, rows a_m .. a_m+3 of the output.
    const int a_k = tid / 16;
    const int a_m = m0 + (tid % 16) * 4;
    // Input tile loads: column b_j of the tile, slice rows b_k, b_k + 4, b_k + 8, b_k + 12.
    const int b_j = tid % POINTWISE_TILE_N;
    const int b_k = tid / POINTWISE_TILE_N;
    const int column = j0 + b_j;
    const bool column_valid = column < columns;
    const int image = column_valid ? column / hw : 0;
    const float* x_column = x + (long long)image * cin * hw + (column_valid ? column - image * hw : 0);
    const float* gate_row = gate == nullptr ? nullptr : gate + image * cin;

    float4 a_next;
    float b_next[4];
    auto load = [&](int k0) {
        const int ka = k0 + a_k;
        a_next = ka < k_end && a_m < cout_padded ? *reinterpret_cast<const float4*>(wt + (long long)ka * cout_padded + a_m)
                                                 : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
#pragma unroll
        for (int i = 0; i < 4; i++)
        {
            const int kb = k0 + b_k + 4 * i;
            float v = 0.0f;
            if (column_valid && kb < k_end)
            {
                v = __ldg(x_column + (long long)kb * hw);
                if (gate_row != nullptr)
                {
                    v = rexnet_relu6(v * __ldg(gate_row + kb));
                }
            }
            b_next[i] = v;
        }
    };
    auto store = [&](int buffer) {
        *reinterpret_cast<float4*>(&a_tile[buffer][a_k][(tid % 16) * 4]) = a_next;
#pragma unroll
        for (int i = 0; i < 4; i++)
        {
            b_tile[buffer][b_k + 4 * i][b_j] = b_next[i];
        }
    };

    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
    {
#pragma unroll
        for (int j = 0; j < 4; j++)
        {
            acc[i][j] = 0.0f;
        }
    }

    // Threads whose 4x4 block lies wholly past the last column or row (narrow late layers, the classifier)
    // still load and wait at the barriers, but skip the multiply-adds.
    const bool active = j0 + tx * 4 < columns && m0 + ty * 4 < cout;
    const int slices = (k_end - k_begin + POINTWISE_TILE_K - 1) / POINTWISE_TILE_K;
    load(k_begin);
    store(0);
    __syncthreads();
    for (int s = 0; s < slices; s++)
    {
        const int buffer = s % 2;
        if (s + 1 < slices)
        {
            load(k_begin + (s + 1) * POINTWISE_TILE_K);
        }
#pragma unroll
        for (int kk = 0; active && kk < POINTWISE_TILE_K; kk++)
        {
            const float4 a = *reinterpret_cast<const float4*>(&a_tile[buffer][kk][ty * 4]);
            const float4 b = *reinterpret_cast<const float4*>(&b_tile[buffer][kk][tx * 4]);
            const float av[4] = {a.x, a.y, a.z, a.w};
            const float bv[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
            for (int i = 0; i < 4; i++)
            {
#pragma unroll
                for (int j = 0; j < 4; j++)
                {
                    acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
                }
            }
        }
        if (s + 1 < slices)
        {
            store(1 - buffer);
        }
        __syncthreads();
    }

    const int splits = gridDim.z;
    if (splits > 1)
    {
        const int tile = blockIdx.y * gridDim.x + blockIdx.x;
        const int tile_floats = POINTWISE_TILE_M * POINTWISE_TILE_N;
        float* mine = partials + ((long long)tile * splits + blockIdx.z) * tile_floats;
#pragma unroll
        for (int i = 0; i < 4; i++)
        {
            *reinterpret_cast<float4*>(mine + (ty * 4 + i) * POINTWISE_TILE_N + tx * 4) =
                make_float4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
        }
        if (!rexnet_last_block(counters + tile, splits))
        {
            return;
        }
        const float* first = partials + (long long)tile * splits * tile_floats;
#pragma unroll
        for (int i = 0; i < 4; i++)
        {
#pragma unroll
            for (int j = 0; j < 4; j++)
            {
                float sum = 0.0f;
                for (int z = 0; z < splits; z++)
                {
                    sum += __ldcg(first + (long long)z * tile_floats + (ty * 4 + i) * POINTWISE_TILE_N + tx * 4 + j);
                }
                acc[i][j] = sum;
            }
        }
        if (tid == 0)
        {
            counters[tile] = 0;
        }
    }

#pragma unroll
    for (int jj = 0; jj < 4; jj++)
    {
        const int j = j0 + tx * 4 + jj;
        if (j >= columns)
        {
            continue;
        }
        const int b = j / hw;
        const int p = j - b * hw;
#pragma unroll
        for (int i = 0; i < 4; i++)
        {
            const int m = m0 + ty * 4 + i;
            if (m >= cout)
            {
                continue;
            }
            float v = rexnet_activate(acc[i][jj] + bias[m], activation);
            if (m < cres)
            {
                v += residual[((long long)b * cres + m) * hw + p];
            }
            y[((long long)b * cout + m) * hw + p] = v;
        }
    }
}
