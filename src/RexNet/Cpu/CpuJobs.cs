using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cpu;

/// <summary>
/// A fused step bound to the backend's arena and cut into tasks (<see cref="TaskSplit"/>). Built once per
/// (plan, arena); running it allocates nothing.
/// </summary>
internal abstract class CpuJob(string name, int taskCount) : IParallelJob
{
    public string Name { get; } = name;
    public int TaskCount { get; } = taskCount;

    /// <summary>Per-worker scratch, at least <see cref="CpuJobs.ScratchLength"/> floats each.</summary>
    public AlignedFloats[] Scratch { get; set; } = [];

    public abstract void Execute(int task, int worker);
}

internal sealed class StemJob<TS, TV>(StemStep s, CpuArena arena, Plan plan, PackedWeights weights, int bands)
    : CpuJob(s.Name, plan.Tensors[s.Output].Shape.N * bands) where TS : struct, ISimd<TV> where TV : struct
{
    private readonly TensorShape _in = plan.Tensors[s.Conv.Input].Shape, _out = plan.Tensors[s.Output].Shape;
    private readonly int[] _offsets = StemConv.TapOffsets(plan.Tensors[s.Conv.Input].Shape.C, plan.Tensors[s.Conv.Input].Shape.W, s.Conv.Stride);
    private readonly AlignedFloats _x = arena.Slot(s.Conv.Input), _y = arena.Slot(s.Output);
    private readonly int _pitch = arena.Pitch(s.Output);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int n = task / bands, rows = (_out.H + bands - 1) / bands;
        int oy0 = task % bands * rows, oy1 = Math.Min(_out.H, oy0 + rows);
        if (oy0 >= oy1)
        {
            return;
        }
        int image = _in.C * _in.H * _in.W, output = _out.H * _out.W * _pitch;
        StemConv.Rows<TS, TV>(_x.Slice(n * image, image), _in.C, _in.H, _in.W, s.Conv.Stride, oy0, oy1, weights, _offsets,
            s.Conv.Activation, _y.Slice(n * output, output), Scratch[worker].Span);
    }
}

/// <summary>
/// Per task, one image's output rows [oy0, oy1) of a group of channel vectors. Each output row needs input rows
/// oy*s-1..oy*s+1 of the expanded tensor: when all the rows the task needs fit in <see cref="TaskSplit.PlaneFloats"/>,
/// they are expanded by one GEMM call up front (whole tiles over the whole plane, which matters at 14x14 and
/// 7x7); otherwise into a three-row ring as they come in. With the block's projection fused in (no SE), the
/// group is every channel and each depthwise row goes through the projection, with its residual, while it is
/// still in L1.
/// </summary>
internal sealed class ExpandDepthwiseJob<TS, TV>(ExpandDepthwiseStep s, CpuArena arena, Plan plan, PackedWeights? expand,
    DepthwiseWeights dw, PackedWeights? project, AlignedFloats zeros, int groupVectors, int bands)
    : CpuJob(s.Name, plan.Tensors[s.Input].Shape.N * bands * ((dw.PaddedChannels / TS.Width + groupVectors - 1) / groupVectors))
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly TensorShape _in = plan.Tensors[s.Input].Shape, _out = plan.Tensors[s.Depthwise.Output].Shape;
    private readonly AlignedFloats _x = arena.Slot(s.Input), _y = arena.Slot(s.Output);
    private readonly AlignedFloats? _sums = s.Squeeze is null ? null : arena.Slot(s.Squeeze.Output);
    private readonly AlignedFloats? _residual = s.Project is { Residual: >= 0 } p ? arena.Slot(p.Residual) : null;
    private readonly int _inPitch = arena.Pitch(s.Input), _pitch = arena.Pitch(s.Output);
    private readonly int _groups = (dw.PaddedChannels / TS.Width + groupVectors - 1) / groupVectors;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int vf = TS.Width, stride = s.Depthwise.Stride;
        int n = task / (_groups * bands), rest = task % (_groups * bands);
        int v0 = rest / bands * groupVectors, v1 = Math.Min(dw.PaddedChannels / vf, v0 + groupVectors);
        int rowsPerBand = (_out.H + bands - 1) / bands;
        int oy0 = rest % bands * rowsPerBand, oy1 = Math.Min(_out.H, oy0 + rowsPerBand);
        int width = (v1 - v0) * vf, inRow = _in.W * _inPitch;
        int kept = TaskSplit.RowsKept(_in.H, _in.W, _out.H, stride, bands, groupVectors * vf);
        var rows = Scratch[worker].Slice(0, kept * _in.W * width);
        var dwRow = project is null ? default : Scratch[worker].Slice(kept * _in.W * width, _out.W * width);
        // Input rows [first, last) of this band; with the whole band kept, row iy sits at slot iy - first.
        int first = Math.Max(0, oy0 * stride - 1), last = Math.Min(_in.H, (oy1 - 1) * stride + 2);
        bool ring = kept < last - first;
        if (expand is not null && !ring)
        {
            Gemm<TS, TV>.Run(_x.Slice((n * _in.H + first) * inRow, (last - first) * inRow), _inPitch, default, (last - first) * _in.W,
                expand, v0, v1, rows, width, s.Expand!.Activation);
        }
        Span<int> ringRow = stackalloc int[3] { -1, -1, -1 };
        for (int oy = oy0; oy < oy1; oy++)
        {
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
                int residualPitch = _residual is null ? 0 : arena.Pitch(s.Project!.Residual);
                Gemm<TS, TV>.Run(dwRow, width, default, _out.W, project, 0, project.Vectors, _y.Slice(outRow, _out.W * _pitch), _pitch,
                    s.Project!.Activation, _residual is null ? default : _residual.Slice((n * _out.H + oy) * _out.W * residualPitch, _out.W * residualPitch),
                    residualPitch, residualPitch / vf);
            }
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

/// <summary>The SE excitation per image: the squeeze's row sums to a mean, then fc1, ReLU, fc2, sigmoid.</summary>
/// <remarks>
/// With fewer images than workers, each image's gate is split into channel ranges, one per worker: fc2 is
/// half the weights, and the excitation is otherwise the one step the other workers sit out. Each part reads
/// all of fc1, so there are at most four.
/// </remarks>
internal sealed class ExciteJob<TS, TV>(ExciteStep s, CpuArena arena, Plan plan, SeExcitation se, int rows, int pixels, int parts)
    : CpuJob(s.Name, plan.Tensors[s.Output].Shape.N * parts) where TS : struct, ISimd<TV> where TV : struct
{
    private readonly AlignedFloats _sums = arena.Slot(s.Excite.Input), _gate = arena.Slot(s.Output);
    private readonly int _pitch = arena.Pitch(s.Output);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int n = task / parts, vectors = _pitch / TS.Width, per = (vectors + parts - 1) / parts;
        int c0 = Math.Min(vectors, task % parts * per) * TS.Width, c1 = Math.Min(vectors, (task % parts + 1) * per) * TS.Width;
        if (c0 >= c1)
        {
            return;
        }
        Span<float> mean = Scratch[worker].Slice(0, _pitch);
        ReadOnlySpan<float> sums = _sums.Slice(n * rows * _pitch, rows * _pitch);
        mean.Clear();
        for (int r = 0; r < rows; r++)
        {
            VectorLoops<TS, TV>.Add(sums.Slice(r * _pitch, _pitch), mean);
        }
        VectorLoops<TS, TV>.Scale(mean, 1f / pixels);
        se.Run<TS, TV>(mean, _gate.Slice(n * _pitch + c0, c1 - c0), Scratch[worker].Slice(_pitch, s.Excite.Weights.Reduced), c0, c1);
    }
}

/// <summary>Per task, one image's pixel range: the SE scale + ReLU6 in place, then the 1x1 conv and its residual.</summary>
internal sealed class ProjectJob<TS, TV>(ProjectStep s, CpuArena arena, Plan plan, PackedWeights weights, int range)
    : CpuJob(s.Name, plan.Tensors[s.Output].Shape.N * ((plan.Tensors[s.Output].Shape.Spatial + range - 1) / range))
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly int _pixels = plan.Tensors[s.Output].Shape.Spatial;
    private readonly int _ranges = (plan.Tensors[s.Output].Shape.Spatial + range - 1) / range;
    private readonly AlignedFloats _x = arena.Slot(s.Input), _y = arena.Slot(s.Output);
    private readonly AlignedFloats _gate = arena.Slot(s.Scale.Gate);
    private readonly AlignedFloats? _residual = s.Project.Residual < 0 ? null : arena.Slot(s.Project.Residual);
    private readonly int _inPitch = arena.Pitch(s.Input), _pitch = arena.Pitch(s.Output);
    private readonly int _residualPitch = s.Project.Residual < 0 ? 0 : arena.Pitch(s.Project.Residual);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int n = task / _ranges, p0 = task % _ranges * range, count = Math.Min(range, _pixels - p0);
        var x = _x.Slice((n * _pixels + p0) * _inPitch, count * _inPitch);
        ScaleRelu6(x, count, _gate.Slice(n * _inPitch, _inPitch));
        var residual = _residual is null ? default : _residual.Slice((n * _pixels + p0) * _residualPitch, count * _residualPitch);
        int residualVectors = _residual is null ? 0 : _residualPitch / TS.Width;
        Gemm<TS, TV>.Run(x, _inPitch, default, count, weights, 0, weights.Vectors, _y.Slice((n * _pixels + p0) * _pitch, count * _pitch),
            _pitch, s.Project.Activation, residual, _residualPitch, residualVectors);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScaleRelu6(Span<float> x, int count, ReadOnlySpan<float> gate)
    {
        int vf = TS.Width;
        for (int c = 0; c < _inPitch; c += vf)
        {
            TV g = TS.Load(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(gate[c..]));
            for (int p = 0; p < count; p++)
            {
                ref float cell = ref x[p * _inPitch + c];
                TS.Store(SimdMath.Relu6<TS, TV>(TS.Multiply(TS.Load(ref cell), g)), ref cell);
            }
        }
    }
}

/// <summary>Per task, one image's group of output channels of the final 1x1 conv, then their means over the pixels.</summary>
internal sealed class PointwisePoolJob<TS, TV>(PointwisePoolStep s, CpuArena arena, Plan plan, PackedWeights weights)
    : CpuJob(s.Name, plan.Tensors[s.Output].Shape.N * ((weights.Vectors + weights.PanelVectors - 1) / weights.PanelVectors))
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly int _pixels = plan.Tensors[s.Conv.Output].Shape.Spatial;
    private readonly int _groups = (weights.Vectors + weights.PanelVectors - 1) / weights.PanelVectors;
    private readonly AlignedFloats _x = arena.Slot(s.Conv.Input), _y = arena.Slot(s.Conv.Output), _pool = arena.Slot(s.Output);
    private readonly int _inPitch = arena.Pitch(s.Conv.Input), _pitch = arena.Pitch(s.Conv.Output);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int vf = TS.Width;
        int n = task / _groups, v0 = task % _groups * weights.PanelVectors, v1 = Math.Min(weights.Vectors, v0 + weights.PanelVectors);
        var y = _y.Slice(n * _pixels * _pitch + v0 * vf, (_pixels - 1) * _pitch + (v1 - v0) * vf);
        Gemm<TS, TV>.Run(_x.Slice(n * _pixels * _inPitch, _pixels * _inPitch), _inPitch, default, _pixels, weights, v0, v1, y, _pitch,
            s.Conv.Activation);
        TV scale = TS.Broadcast(1f / _pixels);
        for (int v = 0; v < v1 - v0; v++)
        {
            TV sum = TS.Zero;
            for (int p = 0; p < _pixels; p++)
            {
                sum = TS.Add(sum, TS.Load(ref y[p * _pitch + v * vf]));
            }
            TS.Store(TS.Multiply(sum, scale), ref _pool.Span[n * _pitch + (v0 + v) * vf]);
        }
    }
}

internal sealed class ClassifierJob<TS, TV>(ClassifierStep s, CpuArena arena, Plan plan, int tasks) : CpuJob(s.Name, tasks)
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly AlignedFloats _x = arena.Slot(s.Linear.Input), _y = arena.Slot(s.Output);
    private readonly int _pitch = arena.Pitch(s.Linear.Input), _batch = plan.Tensors[s.Output].Shape.N;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        var l = s.Linear;
        int per = (l.OutFeatures + TaskCount - 1) / TaskCount;
        int first = Math.Min(l.OutFeatures, task * per);
        CpuOps.LinearOutputs<TS, TV>(_x.Span, _pitch, _batch, l.InFeatures, l.Weight, l.Bias, l.OutFeatures, _y.Span, first, Math.Min(per, l.OutFeatures - first));
    }
}

/// <summary>Packs every step's weights once for the backend's vector width and binds the fused steps of each plan to the arena.</summary>
internal sealed class CpuJobs
{
    // Keyed by the weights, which plans for every batch size share.
    private readonly Dictionary<ConvWeights, PackedWeights> _gemm = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ConvWeights, DepthwiseWeights> _depthwise = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SeWeights, SeExcitation> _se = new(ReferenceEqualityComparer.Instance);
    private readonly VectorIsa _isa;
    private readonly int _panelVectors;

    public CpuJobs(IReadOnlyList<FusedStep> schedule, VectorIsa isa, int registers)
    {
        _isa = isa;
        _panelVectors = registers >= 32 ? 4 : 3;
        foreach (var step in schedule.SelectMany(f => f.Steps))
        {
            switch (step)
            {
                case ConvStep s:
                    _gemm[s.Weights] = new PackedWeights(s.Weights.Weight, s.Weights.Bias, s.Weights.OutChannels, s.Weights.InChannelsPerGroup * 9, isa, _panelVectors);
                    break;
                case PointwiseStep s:
                    _gemm[s.Weights] = new PackedWeights(s.Weights.Weight, s.Weights.Bias, s.Weights.OutChannels, s.Weights.InChannelsPerGroup, isa, _panelVectors);
                    break;
                case DepthwiseStep s:
                    _depthwise[s.Weights] = new DepthwiseWeights(s.Weights.Weight, s.Weights.Bias, s.Weights.OutChannels, isa);
                    break;
                case SeExciteStep s:
                    _se[s.Weights] = new SeExcitation(s.Weights, isa);
                    break;
            }
        }
    }

    public CpuJob[] Compile(Plan plan, IReadOnlyList<FusedStep> schedule, CpuArena arena, AlignedFloats zeros, int workers) => _isa switch
    {
        VectorIsa.Vector512 => Compile<Simd512, Vector512<float>>(plan, schedule, arena, zeros, workers),
        VectorIsa.Vector256 => Compile<Simd256, Vector256<float>>(plan, schedule, arena, zeros, workers),
        _ => Compile<Simd128, Vector128<float>>(plan, schedule, arena, zeros, workers),
    };

    private CpuJob[] Compile<TS, TV>(Plan plan, IReadOnlyList<FusedStep> schedule, CpuArena arena, AlignedFloats zeros, int workers)
        where TS : struct, ISimd<TV> where TV : struct
    {
        TensorShape Shape(int t) => plan.Tensors[t].Shape;
        return schedule.Select(f => (CpuJob)(f switch
        {
            StemStep s => new StemJob<TS, TV>(s, arena, plan, _gemm[s.Conv.Weights], TaskSplit.Bands(Shape(s.Output).N, Shape(s.Output).H, workers)),
            ExpandDepthwiseStep s => CompileExpandDepthwise<TS, TV>(s, plan, arena, zeros, workers),
            ExciteStep s => new ExciteJob<TS, TV>(s, arena, plan, _se[s.Excite.Weights], ExciteRows(plan, s), ExcitePixels(plan, s),
                Shape(s.Output).N >= workers ? 1 : Math.Clamp(workers / Shape(s.Output).N, 1, 4)),
            ProjectStep s => new ProjectJob<TS, TV>(s, arena, plan, _gemm[s.Project.Weights],
                TaskSplit.PixelRange(Shape(s.Output).N, Shape(s.Output).Spatial, TileRows(_gemm[s.Project.Weights]), workers)),
            PointwisePoolStep s => new PointwisePoolJob<TS, TV>(s, arena, plan, _gemm[s.Conv.Weights]),
            ClassifierStep s => new ClassifierJob<TS, TV>(s, arena, plan, Math.Clamp(s.Linear.OutFeatures / 64, 1, TaskSplit.TasksPerWorker * workers)),
            _ => throw new RexNetException(RexNetErrorCode.Internal, $"the CPU backend has no job for {f.GetType().Name}"),
        })).ToArray();
    }

    private ExpandDepthwiseJob<TS, TV> CompileExpandDepthwise<TS, TV>(ExpandDepthwiseStep s, Plan plan, CpuArena arena, AlignedFloats zeros, int workers)
        where TS : struct, ISimd<TV> where TV : struct
    {
        var input = plan.Tensors[s.Input].Shape;
        var output = plan.Tensors[s.Depthwise.Output].Shape;
        var dw = _depthwise[s.Depthwise.Weights];
        var project = s.Project is null ? null : _gemm[s.Project.Weights];
        var (group, bands) = TaskSplit.ExpandDepthwise(output.N, dw.PaddedChannels / TS.Width, _panelVectors, input.H, input.W,
            output.H, output.W, s.Depthwise.Stride, s.Expand?.Weights.InChannelsPerGroup ?? 0, workers,
            s.Project?.Weights.InChannelsPerGroup ?? 0, project?.Vectors ?? 0);
        return new ExpandDepthwiseJob<TS, TV>(s, arena, plan, s.Expand is null ? null : _gemm[s.Expand.Weights], dw, project, zeros, group, bands);
    }

    private static int ExciteRows(Plan plan, ExciteStep s) => plan.Tensors[SqueezedTensor(plan, s)].Shape.H;

    private static int ExcitePixels(Plan plan, ExciteStep s) => plan.Tensors[SqueezedTensor(plan, s)].Shape.Spatial;

    /// <summary>The tensor the squeeze before this excitation pooled.</summary>
    private static int SqueezedTensor(Plan plan, ExciteStep s) =>
        plan.Steps.OfType<ChannelMeanStep>().Single(m => m.Output == s.Excite.Input).Input;

    /// <summary>Rows of the register tile the GEMM uses for its first panel.</summary>
    private static int TileRows(PackedWeights w) => (w.VectorsLeftInPanel(0), w.PanelVectors >= 4) switch
    {
        (>= 4, _) => 6,
        (3, true) => 8,
        (3, false) => 4,
        (2, true) => 12,
        (2, false) => 6,
        (_, true) => 16,
        _ => 12,
    };

    /// <summary>The per-worker scratch every fused step needs, in floats.</summary>
    public int ScratchLength(Plan plan, IReadOnlyList<FusedStep> schedule)
    {
        int vf = _isa.Floats();
        int length = 0;
        foreach (var f in schedule)
        {
            length = Math.Max(length, f switch
            {
                StemStep s => StemConv.ScratchLength(plan.Tensors[s.Conv.Input].Shape.C, plan.Tensors[s.Conv.Input].Shape.W, s.Conv.Stride),
                // The expanded rows kept (a ring of three, or at most PlaneFloats), and with the projection one depthwise output row.
                ExpandDepthwiseStep s => Math.Max(3 * plan.Tensors[s.Input].Shape.W * GroupFloats(s), TaskSplit.PlaneFloats) +
                    (s.Project is null ? 0 : plan.Tensors[s.Depthwise.Output].Shape.W * GroupFloats(s)),
                ExciteStep s => _isa.PadChannels(s.Excite.Weights.Channels) + s.Excite.Weights.Reduced,
                _ => 0,
            });
        }
        return length;
    }

    /// <summary>The widest channel group an expand + depthwise task takes: a panel, or every channel with the projection fused in.</summary>
    private int GroupFloats(ExpandDepthwiseStep s) =>
        s.Project is null ? _panelVectors * _isa.Floats() : _isa.PadChannels(s.Depthwise.Weights.OutChannels);

    /// <summary>Floats of zeros the depthwise rows outside the image read: the longest input row any of them reads.</summary>
    public int ZeroRowLength(Plan plan, IReadOnlyList<FusedStep> schedule, CpuArena arena)
    {
        int length = 0;
        foreach (var s in schedule.OfType<ExpandDepthwiseStep>())
        {
            length = Math.Max(length, plan.Tensors[s.Input].Shape.W * Math.Max(arena.Pitch(s.Input), GroupFloats(s)));
        }
        return length;
    }
}
