using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// How a conv that runs as a GEMM (1x1 convs, and the stem through im2col) is cut into parallel tasks:
/// per image, per block of <see cref="ColumnBlock"/> pixels, and, when that gives too few tasks for the
/// workers (late layers have 7x7 pixels), per block of output channels.
/// </summary>
internal readonly record struct GemmTiling(int Batch, int OutChannels, int Pixels, int ColumnBlock, int ColumnBlocks, int RowBlocks, int RowsPerBlock)
{
    public int TaskCount => Batch * ColumnBlocks * RowBlocks;

    public static GemmTiling Create(int batch, int outChannels, int pixels, int workers, VectorIsa isa)
    {
        int nr = Gemm.PanelWidth(isa);
        // 256 pixels keep a packed K x 256 block of a 1x1 conv's input in L2 for every ReXNet width.
        int columnBlock = Math.Min(256, (pixels + nr - 1) / nr * nr);
        int columnBlocks = (pixels + columnBlock - 1) / columnBlock;
        int wanted = 4 * workers;
        int rowBlocks = Math.Clamp((wanted + batch * columnBlocks - 1) / (batch * columnBlocks), 1,
            (outChannels + Gemm.RowTile - 1) / Gemm.RowTile);
        int rowsPerBlock = ((outChannels + rowBlocks - 1) / rowBlocks + Gemm.RowTile - 1) / Gemm.RowTile * Gemm.RowTile;
        rowBlocks = (outChannels + rowsPerBlock - 1) / rowsPerBlock;
        return new GemmTiling(batch, outChannels, pixels, columnBlock, columnBlocks, rowBlocks, rowsPerBlock);
    }

    public (int Image, int J0, int Nc, int I0, int I1) Decode(int task)
    {
        int image = task / (ColumnBlocks * RowBlocks);
        int rest = task % (ColumnBlocks * RowBlocks);
        int j0 = rest / RowBlocks * ColumnBlock;
        int i0 = rest % RowBlocks * RowsPerBlock;
        return (image, j0, Math.Min(ColumnBlock, Pixels - j0), i0, Math.Min(OutChannels, i0 + RowsPerBlock));
    }

    /// <summary>Floats of per-worker scratch a task needs: the packed panels.</summary>
    public static int ScratchLength(int k, VectorIsa isa) => Gemm.PackedLength(k, 256, isa);
}

/// <summary>The GEMM-based convs: 1x1 (pointwise) and dense 3x3 via im2col, with fused epilogues.</summary>
internal static class GemmConv
{
    /// <summary>
    /// One task of a 1x1 conv: y[b, i0..i1, j0..j0+nc) = act(W x + bias) (+ residual on the first
    /// <paramref name="residualChannels"/> channels).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PointwiseTask(in GemmTiling g, ReadOnlySpan<float> x, int cin, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Activation act, ReadOnlySpan<float> residual, int residualChannels, Span<float> y,
        int task, Span<float> scratch, VectorIsa isa)
    {
        var (b, j0, nc, i0, i1) = g.Decode(task);
        int hw = g.Pixels;
        Span<float> packed = scratch[..Gemm.PackedLength(cin, nc, isa)];
        Gemm.Pack(x.Slice(b * cin * hw, cin * hw), hw, cin, j0, nc, packed, isa);
        Span<float> yb = y.Slice(b * g.OutChannels * hw, g.OutChannels * hw);
        Gemm.MultiplyPacked(weight, cin, packed, yb, hw, i0, i1, j0, nc, bias, act, isa);
        for (int o = i0; o < Math.Min(i1, residualChannels); o++)
        {
            Span<float> row = yb.Slice(o * hw + j0, nc);
            TensorPrimitives.Add(row, residual.Slice((b * residualChannels + o) * hw + j0, nc), row);
        }
    }

    /// <summary>
    /// One task of a dense 3x3 conv (padding 1): the block's im2col rows [cin*9, nc] are gathered straight
    /// into the GEMM's packed layout's source, then multiplied by W [cout, cin*9].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv3x3Task(in GemmTiling g, ReadOnlySpan<float> x, int cin, int h, int w, int stride,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Activation act, Span<float> y, int task, Span<float> scratch, VectorIsa isa)
    {
        var (b, j0, nc, i0, i1) = g.Decode(task);
        int ow = ModelSpec.ConvOutSize(w, stride);
        int k = cin * 9;
        Span<float> cols = scratch[..(k * nc)];
        ReadOnlySpan<float> xb = x.Slice(b * cin * h * w, cin * h * w);
        // im2col one output row segment at a time: for each tap, the row's pixels read a strided run of one
        // input row, zero only where the tap falls into the padding.
        for (int p = j0; p < j0 + nc;)
        {
            int oy = p / ow, ox0 = p % ow;
            int ox1 = Math.Min(ow, ox0 + (j0 + nc - p));
            int col0 = p - j0;
            for (int ci = 0; ci < cin; ci++)
            {
                for (int ky = 0; ky < 3; ky++)
                {
                    int iy = oy * stride - 1 + ky;
                    for (int kx = 0; kx < 3; kx++)
                    {
                        Span<float> dst = cols.Slice(((ci * 3 + ky) * 3 + kx) * nc + col0, ox1 - ox0);
                        if ((uint)iy >= (uint)h)
                        {
                            dst.Clear();
                            continue;
                        }
                        ReadOnlySpan<float> row = xb.Slice((ci * h + iy) * w, w);
                        for (int ox = ox0; ox < ox1; ox++)
                        {
                            int ix = ox * stride - 1 + kx;
                            dst[ox - ox0] = (uint)ix < (uint)w ? row[ix] : 0f;
                        }
                    }
                }
            }
            p += ox1 - ox0;
        }
        Span<float> packed = scratch.Slice(k * nc, Gemm.PackedLength(k, nc, isa));
        Gemm.Pack(cols, nc, k, 0, nc, packed, isa);
        int hw = g.Pixels;
        Span<float> yb = y.Slice(b * g.OutChannels * hw, g.OutChannels * hw);
        // Multiply into the block's columns of y directly: the packed block's column 0 is pixel j0.
        Gemm.MultiplyPacked(weight, k, packed, yb[j0..], hw, i0, i1, 0, nc, bias, act, isa);
    }

    public static int Conv3x3ScratchLength(int cin, VectorIsa isa) => cin * 9 * 256 + Gemm.PackedLength(cin * 9, 256, isa);
}
