using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// A group of consecutive plan steps the CPU backend runs as one parallel job, so that the tensors between
/// them are never written out in full. <see cref="Steps"/> are the plan steps it covers, in plan order;
/// <see cref="Output"/> is the one tensor it writes to the arena.
/// </summary>
internal abstract record FusedStep(IReadOnlyList<PlanStep> Steps, int Output)
{
    /// <summary>The plan steps' names joined by '+', their common block prefix once: "features.3.conv_exp+conv_dw+se.pool".</summary>
    public string Name { get; } = JoinNames(Steps);

    private static string JoinNames(IReadOnlyList<PlanStep> steps)
    {
        string first = steps[0].Name;
        int dot = first.StartsWith("features.", StringComparison.Ordinal) ? first.IndexOf('.', "features.".Length) : -1;
        if (dot < 0 || steps.Any(s => !s.Name.StartsWith(first[..(dot + 1)], StringComparison.Ordinal)))
        {
            return string.Join('+', steps.Select(s => s.Name));
        }
        return first[..(dot + 1)] + string.Join('+', steps.Select(s => s.Name[(dot + 1)..]));
    }
}

/// <summary>The stem conv, from the NCHW input.</summary>
internal sealed record StemStep(ConvStep Conv) : FusedStep([Conv], Conv.Output);

/// <summary>
/// Optional 1x1 expansion (+ SiLU), the depthwise conv, and then either, with SE, the squeeze's channel sums,
/// or, without, the whole block's projection (<see cref="Project"/>): the expanded tensor only ever exists a
/// few rows at a time, and in a block without SE neither does the depthwise output.
/// </summary>
internal sealed record ExpandDepthwiseStep(PointwiseStep? Expand, DepthwiseStep Depthwise, ChannelMeanStep? Squeeze, PointwiseStep? Project)
    : FusedStep(StepsOf(Expand, Depthwise, Squeeze, Project), Project?.Output ?? Depthwise.Output)
{
    public int Input => Expand?.Input ?? Depthwise.Input;

    private static PlanStep[] StepsOf(params PlanStep?[] steps) => steps.OfType<PlanStep>().ToArray();
}

/// <summary>The SE excitation, from the squeeze's channel sums to the gate.</summary>
internal sealed record ExciteStep(SeExciteStep Excite) : FusedStep([Excite], Excite.Output);

/// <summary>The SE scale + ReLU6 (applied in place), then the projection 1x1 conv with its partial residual.</summary>
internal sealed record ProjectStep(ScaleRelu6Step Scale, PointwiseStep Project) : FusedStep([Scale, Project], Project.Output)
{
    public int Input => Scale.Input;
}

/// <summary>The final 1x1 conv (+ SiLU) and the global average pool over its output.</summary>
internal sealed record PointwisePoolStep(PointwiseStep Conv, ChannelMeanStep Pool) : FusedStep([Conv, Pool], Pool.Output);

/// <summary>The classifier.</summary>
internal sealed record ClassifierStep(LinearStep Linear) : FusedStep([Linear], Linear.Output);

/// <summary>How the CPU backend groups a plan's steps: data derived from the plan, one rule per step kind.</summary>
internal static class CpuSchedule
{
    public static IReadOnlyList<FusedStep> Fuse(Plan plan)
    {
        var steps = plan.Steps;
        var fused = new List<FusedStep>();
        int i = 0;
        T? Next<T>(Func<T, bool> fits) where T : PlanStep =>
            i < steps.Count && steps[i] is T s && fits(s) ? Take(s) : null;
        T Take<T>(T s) where T : PlanStep
        {
            i++;
            return s;
        }

        ExpandDepthwiseStep Depthwise(PointwiseStep? expand, DepthwiseStep dw)
        {
            var squeeze = Next<ChannelMeanStep>(m => m.Input == dw.Output);
            return new ExpandDepthwiseStep(expand, dw, squeeze, squeeze is null ? Next<PointwiseStep>(p => p.Input == dw.Output) : null);
        }

        while (i < steps.Count)
        {
            var step = steps[i];
            switch (step)
            {
                case ConvStep conv:
                    fused.Add(new StemStep(Take(conv)));
                    break;
                case PointwiseStep pw when i + 1 < steps.Count && steps[i + 1] is DepthwiseStep dw && dw.Input == pw.Output && pw.Residual < 0:
                    Take(pw);
                    fused.Add(Depthwise(pw, Take(dw)));
                    break;
                case DepthwiseStep dw:
                    fused.Add(Depthwise(null, Take(dw)));
                    break;
                case SeExciteStep excite:
                    fused.Add(new ExciteStep(Take(excite)));
                    break;
                case ScaleRelu6Step scale when i + 1 < steps.Count && steps[i + 1] is PointwiseStep pw && pw.Input == scale.Output:
                    Take(scale);
                    fused.Add(new ProjectStep(scale, Take(pw)));
                    break;
                case PointwiseStep pw when i + 1 < steps.Count && steps[i + 1] is ChannelMeanStep pool && pool.Input == pw.Output && pw.Residual < 0:
                    Take(pw);
                    fused.Add(new PointwisePoolStep(pw, Take(pool)));
                    break;
                case LinearStep linear:
                    fused.Add(new ClassifierStep(Take(linear)));
                    break;
                default:
                    throw new RexNetException(RexNetErrorCode.Internal, $"the CPU backend has no fused op for {step.GetType().Name} '{step.Name}' here");
            }
        }
        return fused;
    }
}
