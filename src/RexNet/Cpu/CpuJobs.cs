using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// A plan step bound to the backend's arena and cut into tasks. Built once per (plan, arena); running it
/// allocates nothing. Each job forwards to the same task function its <see cref="CpuOps"/> twin runs.
/// </summary>
internal abstract class CpuJob(int taskCount) : IParallelJob
{
    public int TaskCount { get; } = taskCount;

    /// <summary>Per-worker scratch, sized by <see cref="CpuJobs.ScratchLength"/>.</summary>
    public float[][] Scratch { get; set; } = [];

    public abstract void Execute(int task, int worker);

    /// <summary>Splits <paramref name="items"/> into at most <paramref name="tasks"/> contiguous ranges.</summary>
    protected static (int First, int Count) Range(int items, int tasks, int task)
    {
        int per = (items + tasks - 1) / tasks;
        int first = Math.Min(items, task * per);
        return (first, Math.Min(per, items - first));
    }

    protected static int TasksFor(int items, int workers) => Math.Max(1, Math.Min(items, 4 * workers));
}

internal sealed class ConvJob(GemmTiling g, float[] x, int cin, TensorShape input, ConvStep s, float[] y, VectorIsa isa)
    : CpuJob(g.TaskCount)
{
    public override void Execute(int task, int worker) =>
        GemmConv.Conv3x3Task(g, x, cin, input.H, input.W, s.Stride, s.Weights.Weight, s.Weights.Bias, s.Activation, y, task, Scratch[worker], isa);
}

internal sealed class PointwiseJob(GemmTiling g, float[] x, int cin, PointwiseStep s, float[]? residual, float[] y, VectorIsa isa)
    : CpuJob(g.TaskCount)
{
    public override void Execute(int task, int worker) =>
        GemmConv.PointwiseTask(g, x, cin, s.Weights.Weight, s.Weights.Bias, s.Activation, residual, s.ResidualChannels, y, task, Scratch[worker], isa);
}

internal sealed class DepthwiseJob(float[] x, TensorShape input, DepthwiseStep s, float[] y, int workers, VectorIsa isa)
    : CpuJob(TasksFor(input.N * input.C, workers))
{
    public override void Execute(int task, int worker)
    {
        var (first, count) = Range(input.N * input.C, TaskCount, task);
        Depthwise.Planes(x, input.C, input.H, input.W, s.Weights.Weight, s.Weights.Bias, s.Stride, s.Activation, y, first, count, Scratch[worker], isa);
    }
}

internal sealed class ChannelMeanJob(float[] x, TensorShape input, float[] y, int workers)
    : CpuJob(TasksFor(input.N * input.C / 64 + 1, workers))
{
    public override void Execute(int task, int worker)
    {
        var (first, count) = Range(input.N * input.C, TaskCount, task);
        CpuOps.ChannelMeanPlanes(x, input.Spatial, y, first, count);
    }
}

internal sealed class SeExciteJob(float[] pooled, int batch, SeExciteStep s, float[] gate) : CpuJob(1)
{
    public override void Execute(int task, int worker)
    {
        var w = s.Weights;
        CpuOps.SeExcite(pooled, batch, w.Channels, w.Reduced, w.Fc1Weight, w.Fc1Bias, w.Fc2Weight, w.Fc2Bias, gate, Scratch[worker]);
    }
}

internal sealed class ScaleRelu6Job(float[] x, float[] gate, TensorShape shape, float[] y, int workers)
    : CpuJob(TasksFor(shape.N * shape.C, workers))
{
    public override void Execute(int task, int worker)
    {
        var (first, count) = Range(shape.N * shape.C, TaskCount, task);
        CpuOps.ScaleRelu6Planes(x, gate, shape.Spatial, y, first, count);
    }
}

internal sealed class LinearJob(float[] x, int batch, LinearStep s, float[] y, int workers)
    : CpuJob(TasksFor(s.OutFeatures / 16, workers))
{
    public override void Execute(int task, int worker)
    {
        var (first, count) = Range(s.OutFeatures, TaskCount, task);
        CpuOps.LinearOutputs(x, batch, s.InFeatures, s.Weight, s.Bias, s.OutFeatures, y, first, count);
    }
}

internal static class CpuJobs
{
    /// <summary>Binds every step of <paramref name="plan"/> to the arena <paramref name="slots"/>.</summary>
    public static CpuJob[] Compile(Plan plan, float[][] slots, int workers, VectorIsa isa)
    {
        float[] Slot(int tensor) => slots[plan.SlotOf[tensor]];
        TensorShape Shape(int tensor) => plan.Tensors[tensor].Shape;
        var jobs = new CpuJob[plan.Steps.Count];
        for (int i = 0; i < jobs.Length; i++)
        {
            var step = plan.Steps[i];
            var o = Shape(step.Output);
            jobs[i] = step switch
            {
                ConvStep s => new ConvJob(GemmTiling.Create(o.N, o.C, o.Spatial, workers, isa), Slot(s.Input), Shape(s.Input).C,
                    Shape(s.Input), s, Slot(s.Output), isa),
                PointwiseStep s => new PointwiseJob(GemmTiling.Create(o.N, o.C, o.Spatial, workers, isa), Slot(s.Input), Shape(s.Input).C,
                    s, s.Residual >= 0 ? Slot(s.Residual) : null, Slot(s.Output), isa),
                DepthwiseStep s => new DepthwiseJob(Slot(s.Input), Shape(s.Input), s, Slot(s.Output), workers, isa),
                ChannelMeanStep s => new ChannelMeanJob(Slot(s.Input), Shape(s.Input), Slot(s.Output), workers),
                SeExciteStep s => new SeExciteJob(Slot(s.Input), o.N, s, Slot(s.Output)),
                ScaleRelu6Step s => new ScaleRelu6Job(Slot(s.Input), Slot(s.Gate), o, Slot(s.Output), workers),
                LinearStep s => new LinearJob(Slot(s.Input), o.N, s, Slot(s.Output), workers),
                _ => throw new NotSupportedException($"the CPU backend has no op for {step.GetType().Name}"),
            };
        }
        return jobs;
    }

    /// <summary>The per-worker scratch every step of the plan needs, in floats.</summary>
    public static int ScratchLength(Plan plan, VectorIsa isa)
    {
        int length = 0;
        foreach (var step in plan.Steps)
        {
            var input = plan.Tensors[Plan.InputsOf(step).First()].Shape;
            length = Math.Max(length, step switch
            {
                ConvStep => GemmConv.Conv3x3ScratchLength(input.C, isa),
                PointwiseStep => GemmTiling.ScratchLength(input.C, isa),
                DepthwiseStep => Depthwise.ScratchLength(input.H, input.W),
                SeExciteStep s => s.Weights.Reduced,
                _ => 0,
            });
        }
        return length;
    }
}
