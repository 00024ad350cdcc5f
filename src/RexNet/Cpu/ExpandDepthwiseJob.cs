using System.Runtime.CompilerServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// Per task, one image's output rows [oy0, oy1) of a group of channel vectors. Each output row needs input rows
/// oy*s-1..oy*s+1 of the expanded tensor: when all the rows the task needs fit in <see cref="TaskSplit.PlaneFloats"/>,
/// they are expanded by one GEMM call up front (whole tiles over the whole plane, which matters at 14x14 and
/// 7x7), and then a task may take several whole images (<paramref name="images"/>), so that its group's weights
/// are streamed once for all of them; otherwise the rows go into a three-row ring as they come in. With the
/// block's projection fused in (no SE), the group is every channel and each depthwise row goes through the
/// projection, with its residual, while it is still in L1.
/// </summary>
internal sealed class ExpandDepthwiseJob<TS, TV>(ExpandDepthwiseStep s, CpuArena arena, Plan plan, PackedWeights? expand,
    DepthwiseWeights dw, PackedWeights? project, AlignedFloats zeros, int groupVectors, int bands, int images)
    : CpuJob(s.Name, (plan.Tensors[s.Input].Shape.N + images - 1) / images * bands * ((dw.PaddedChannels / TS.Width + groupVectors - 1) / groupVectors))
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly TensorShape _in = plan.Tensors[s.Input].Shape, _out = plan.Tensors[s.Depthwise.Output].Shape;
    private readonly AlignedFloats _x = arena.Slot(s.Input), _y = arena.Slot(s.Output);
    private readonly AlignedFloats? _sums = s.Squeeze is null ? null : arena.Slot(s.Squeeze.Output);
    private readonly AlignedFloats? _residual = s.Project is { Residual: >= 0 } p ? arena.Slot(p.Residual) : null;
    private readonly int _residualPitch = s.Project is { Residual: >= 0 } r ? arena.Pitch(r.Residual) : 0;
    private readonly int _inPitch = arena.Pitch(s.Input), _pitch = arena.Pitch(s.Output);
    private readonly int _groups = (dw.PaddedChannels / TS.Width + groupVectors - 1) / groupVectors;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int vf = TS.Width, stride = s.Depthwise.Stride;
        int n0 = task / (_groups * bands) * images, n1 = Math.Min(_in.N, n0 + images), rest = task % (_groups * bands);
        int v0 = rest / bands * groupVectors, v1 = Math.Min(dw.PaddedChannels / vf, v0 + groupVectors);
        int rowsPerBand = (_out.H + bands - 1) / bands;
        int oy0 = rest % bands * rowsPerBand, oy1 = Math.Min(_out.H, oy0 + rowsPerBand);
        int width = (v1 - v0) * vf, inRow = _in.W * _inPitch;
        int kept = images * TaskSplit.RowsKept(_in.H, _in.W, _out.H, stride, bands, groupVectors * vf);
        var rows = Scratch[worker].Slice(0, kept * _in.W * width);
        var dwRow = project is null ? default : Scratch[worker].Slice(kept * _in.W * width, _out.W * width);
        // Input rows [first, last) of this band; with the whole band kept, row iy of image n sits at slot
        // (n - n0) * (last - first) + iy - first. Several images per task only come with one band.
        int first = Math.Max(0, oy0 * stride - 1), last = Math.Min(_in.H, (oy1 - 1) * stride + 2);
        bool ring = kept < (n1 - n0) * (last - first);
        if (expand is not null && !ring)
        {
            int from = (n0 * _in.H + first) * inRow, length = ((n1 - n0 - 1) * _in.H + last - first) * inRow;
            Gemm<TS, TV>.Run(_x.Slice(from, length), _inPitch, default, length / _inPitch, expand, v0, v1, rows, width, s.Expand!.Activation);
        }
        Span<int> ringRow = stackalloc int[3];
        for (int n = n0; n < n1; n++)
        {
            ringRow.Fill(-1);
            var kept0 = rows[((n - n0) * (last - first) * _in.W * width)..];
            for (int oy = oy0; oy < oy1; oy++)
            {
                Row(n, oy, v0, v1, width, ring ? rows : kept0, ring, first, ringRow, dwRow);
            }
        }
    }

    /// <summary>Output row oy of image n: its missing expanded rows (ring), the depthwise row, and the projection if fused.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Row(int n, int oy, int v0, int v1, int width, Span<float> rows, bool ring, int first, Span<int> ringRow, Span<float> dwRow)
    {
        int vf = TS.Width, stride = s.Depthwise.Stride, inRow = _in.W * _inPitch;
        int iy0 = oy * stride - 1;
        for (int iy = Math.Max(0, iy0); ring && iy < Math.Min(_in.H, iy0 + 3); iy++)
        {
            if (expand is not null && ringRow[iy % 3] != iy)
            {
                Gemm<TS, TV>.Run(_x.Slice((n * _in.H + iy) * inRow, inRow), _inPitch, default, _in.W, expand, v0, v1,
                    rows.Slice(iy % 3 * _in.W * width, _in.W * width), width, s.Expand!.Activation);
                ringRow[iy % 3] = iy;
            }
        }
        int outRow = (n * _out.H + oy) * _out.W * _pitch;
        DepthwiseKernel<TS, TV>.Row(InputRow(n, iy0, v0, rows, width, ring, first), InputRow(n, iy0 + 1, v0, rows, width, ring, first),
            InputRow(n, iy0 + 2, v0, rows, width, ring, first), expand is null ? _inPitch : width, _in.W, stride,
            dw.Taps.Slice(v0 * vf), dw.PaddedChannels, dw.Bias.Slice(v0 * vf), v1 - v0,
            project is null ? _y.Slice(outRow + v0 * vf) : dwRow, project is null ? _pitch : width, _out.W, s.Depthwise.Activation,
            _sums is null ? default : _sums.Slice((n * _out.H + oy) * _pitch + v0 * vf, width));
        if (project is not null)
        {
            Gemm<TS, TV>.Run(dwRow, width, default, _out.W, project, 0, project.Vectors, _y.Slice(outRow, _out.W * _pitch), _pitch,
                s.Project!.Activation, _residual is null ? default : _residual.Slice((n * _out.H + oy) * _out.W * _residualPitch, _out.W * _residualPitch),
                _residualPitch, _residualPitch / vf);
        }
    }

    /// <summary>Input row iy of the group: from the kept rows, straight from the input without an expansion, or zeros outside.</summary>
    private ReadOnlySpan<float> InputRow(int n, int iy, int v0, Span<float> rows, int width, bool ring, int first)
    {
        if ((uint)iy >= (uint)_in.H)
        {
            return zeros.Span;
        }
        if (expand is not null)
        {
            return rows.Slice((ring ? iy % 3 : iy - first) * _in.W * width, _in.W * width);
        }
        int start = (n * _in.H + iy) * _in.W * _inPitch + v0 * TS.Width;
        return _x.Slice(start, (_in.W - 1) * _inPitch + width);
    }
}
