using System.Runtime.CompilerServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// The dense 3x3 conv (padding 1) from an NCHW image to channels-last output, as the GEMM with column
/// offsets: a few input rows at a time are copied with a zero border into scratch, and output pixel p's
/// taps are then x[p * stride + offsets[k]] for k = (channel, ky, kx), read in place by the micro-kernel.
/// </summary>
internal static class StemConv
{
    /// <summary>Output rows per copied chunk of input rows.</summary>
    public const int ChunkRows = 4;

    public static int ChunkInputRows(int stride) => (ChunkRows - 1) * stride + 3;

    public static int ScratchLength(int cin, int w, int stride) => cin * ChunkInputRows(stride) * (w + 2);

    /// <summary>Where tap (c, ky, kx) of output pixel 0 lies in a chunk, relative to its first output row.</summary>
    public static int[] TapOffsets(int cin, int w, int stride)
    {
        int pitch = w + 2, plane = ChunkInputRows(stride) * pitch;
        var offsets = new int[cin * 9];
        for (int c = 0; c < cin; c++)
        {
            for (int t = 0; t < 9; t++)
            {
                offsets[c * 9 + t] = c * plane + t / 3 * pitch + t % 3;
            }
        }
        return offsets;
    }

    /// <summary>Output rows [oy0, oy1) of one image: image is [cin, h, w]; output is [oh, ow, padded cout].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows<TS, TV>(ReadOnlySpan<float> image, int cin, int h, int w, int stride, int oy0, int oy1, PackedWeights weights,
        ReadOnlySpan<int> offsets, Activation act, Span<float> output, Span<float> scratch)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int ow = ModelSpec.ConvOutSize(w, stride);
        int pitch = w + 2, chunkRows = ChunkInputRows(stride), plane = chunkRows * pitch;
        int outPitch = weights.Vectors * weights.VectorFloats;
        for (int first = oy0; first < oy1; first += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, oy1 - first);
            int used = (rows - 1) * stride + 3;
            for (int c = 0; c < cin; c++)
            {
                for (int r = 0; r < used; r++)
                {
                    Span<float> dst = scratch.Slice(c * plane + r * pitch, pitch);
                    int iy = first * stride - 1 + r;
                    if ((uint)iy >= (uint)h)
                    {
                        dst.Clear();
                        continue;
                    }
                    dst[0] = 0f;
                    image.Slice((c * h + iy) * w, w).CopyTo(dst[1..]);
                    dst[w + 1] = 0f;
                }
            }
            for (int r = 0; r < rows; r++)
            {
                Gemm<TS, TV>.Run(scratch[(r * stride * pitch)..], stride, offsets, ow, weights, 0, weights.Vectors,
                    output[((first + r) * ow * outPitch)..], outPitch, act);
            }
        }
    }
}
