using System.Runtime.Intrinsics;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cpu;

/// <summary>Packs every step's weights once for the backend's vector width and binds the fused steps of each plan to the arena.</summary>
internal sealed class CpuJobs
{
    // Keyed by the weights, which plans for every batch size share.
    private readonly Dictionary<ConvWeights, PackedWeights> _gemm = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ConvWeights, DepthwiseWeights> _depthwise = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SeWeights, SeExcitation> _se = new(ReferenceEqualityComparer.Instance);
    private readonly VectorIsa _isa;
    private readonly int _panelVectors;

    public CpuJobs(IReadOnlyList<FusedStep> schedule, VectorIsa isa)
    {
        _isa = isa;
        _panelVectors = VectorIsas.PanelVectors;
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
                Math.Clamp(workers, 1, 4)),
            ProjectStep s => new ProjectJob<TS, TV>(s, arena, plan, _gemm[s.Project.Weights],
                TaskSplit.PixelRange(Shape(s.Output).N * Shape(s.Output).Spatial, TileRows(_gemm[s.Project.Weights]), workers,
                    _gemm[s.Project.Weights].Data.Length * sizeof(float))),
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
        int images = TaskSplit.ImagesPerTask(output.N, input.H, input.W, output.H, s.Depthwise.Stride, bands, group * TS.Width,
            (dw.PaddedChannels / TS.Width + group - 1) / group, workers);
        return new ExpandDepthwiseJob<TS, TV>(s, arena, plan, s.Expand is null ? null : _gemm[s.Expand.Weights], dw, project, zeros, group, bands,
            s.Expand is null ? 1 : images);
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
        int length = 0;
        foreach (var f in schedule)
        {
            length = Math.Max(length, f switch
            {
                StemStep s => StemConv.ScratchLength(plan.Tensors[s.Conv.Input].Shape.C, plan.Tensors[s.Conv.Input].Shape.W, s.Conv.Stride),
                // The expanded rows kept (a ring of three, or at most PlaneFloats), and with the projection one depthwise output row.
                ExpandDepthwiseStep s => Math.Max(3 * plan.Tensors[s.Input].Shape.W * GroupFloats(s), TaskSplit.PlaneFloats) +
                    (s.Project is null ? 0 : plan.Tensors[s.Depthwise.Output].Shape.W * GroupFloats(s)),
                // Each image's mean and hidden layer.
                ExciteStep s => plan.Batch * (_isa.PadChannels(s.Excite.Weights.Channels) + s.Excite.Weights.Reduced),
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
