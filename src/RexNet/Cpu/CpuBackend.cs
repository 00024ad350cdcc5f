using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cpu;

/// <summary>
/// Interprets a <see cref="Plan"/> on the CPU over one preallocated arena. Plans for every batch size up
/// to MaxBatch share the arena (slot sizes grow linearly with batch, so the max-batch plan's slots fit all).
/// </summary>
public sealed class CpuBackend : IInferenceBackend
{
    private readonly FoldedModel _model;
    private readonly int _height, _width;
    private readonly Plan?[] _plans;
    private readonly float[][] _slots;
    private readonly float[] _seHidden;

    public DeviceKind Device => DeviceKind.Cpu;

    public CpuBackend(FoldedModel model, EngineOptions options)
    {
        _model = model;
        _height = options.Height;
        _width = options.Width;
        _plans = new Plan?[options.MaxBatch + 1];
        var maxPlan = PlanFor(options.MaxBatch);
        _slots = maxPlan.SlotSizes.Select(size => new float[size]).ToArray();
        _seHidden = new float[model.Blocks.Max(b => b.Se?.Reduced ?? 0)];
    }

    private Plan PlanFor(int batch) => _plans[batch] ??= Plan.Build(_model, batch, _height, _width);

    private Span<float> Buffer(Plan plan, int tensor) =>
        _slots[plan.SlotOf[tensor]].AsSpan(0, plan.Tensors[tensor].Shape.Count);

    public void Run(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> features)
    {
        var plan = PlanFor(batch);
        input.CopyTo(Buffer(plan, plan.Input.Id));
        // Features are the last thing before the classifier: stop there when logits are not wanted.
        int stepCount = logits.IsEmpty ? plan.Steps.Count - 1 : plan.Steps.Count;
        for (int i = 0; i < stepCount; i++)
        {
            Execute(plan, plan.Steps[i]);
        }
        if (!features.IsEmpty)
        {
            Buffer(plan, plan.Features.Id).CopyTo(features);
        }
        if (!logits.IsEmpty)
        {
            Buffer(plan, plan.Logits.Id).CopyTo(logits);
        }
    }

    public void RunWithStages(ReadOnlySpan<float> input, int batch, StageObserver observer)
    {
        var plan = PlanFor(batch);
        input.CopyTo(Buffer(plan, plan.Input.Id));
        foreach (var step in plan.Steps)
        {
            Execute(plan, step);
            var t = plan.Tensors[step.Output];
            if (t.Stage is not null)
            {
                observer(t.Stage, t.Shape, Buffer(plan, t.Id));
            }
        }
    }

    private void Execute(Plan plan, PlanStep step)
    {
        var outShape = plan.Tensors[step.Output].Shape;
        Span<float> y = Buffer(plan, step.Output);
        switch (step)
        {
            case ConvStep s:
            {
                var i = plan.Tensors[s.Input].Shape;
                CpuOps.Conv3x3(Buffer(plan, s.Input), i.N, i.C, i.H, i.W, s.Weights.Weight, s.Weights.Bias, outShape.C, s.Stride, s.Activation, y);
                break;
            }
            case PointwiseStep s:
            {
                var i = plan.Tensors[s.Input].Shape;
                ReadOnlySpan<float> r = s.Residual >= 0 ? Buffer(plan, s.Residual) : default;
                CpuOps.Pointwise(Buffer(plan, s.Input), i.N, i.C, i.Spatial, s.Weights.Weight, s.Weights.Bias, outShape.C, s.Activation, r, s.ResidualChannels, y);
                break;
            }
            case DepthwiseStep s:
            {
                var i = plan.Tensors[s.Input].Shape;
                CpuOps.Depthwise3x3(Buffer(plan, s.Input), i.N, i.C, i.H, i.W, s.Weights.Weight, s.Weights.Bias, s.Stride, s.Activation, y);
                break;
            }
            case ChannelMeanStep s:
            {
                var i = plan.Tensors[s.Input].Shape;
                CpuOps.ChannelMean(Buffer(plan, s.Input), i.N, i.C, i.Spatial, y);
                break;
            }
            case SeExciteStep s:
                CpuOps.SeExcite(Buffer(plan, s.Input), outShape.N, s.Weights.Channels, s.Weights.Reduced,
                    s.Weights.Fc1Weight, s.Weights.Fc1Bias, s.Weights.Fc2Weight, s.Weights.Fc2Bias, y, _seHidden);
                break;
            case ScaleRelu6Step s:
                CpuOps.ScaleRelu6(Buffer(plan, s.Input), Buffer(plan, s.Gate), outShape.N, outShape.C, outShape.Spatial, y);
                break;
            case LinearStep s:
                CpuOps.Linear(Buffer(plan, s.Input), outShape.N, s.InFeatures, s.Weight, s.Bias, s.OutFeatures, y);
                break;
            default:
                throw new NotSupportedException($"CPU backend has no op for {step.GetType().Name}");
        }
    }

    public void Dispose()
    {
    }
}
