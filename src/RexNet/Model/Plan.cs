using RexNet.Weights;

namespace RexNet.Model;

internal enum Activation { None, Silu, Relu6 }

/// <summary>An NCHW shape; vectors such as pooled features are [N, C, 1, 1].</summary>
public readonly record struct TensorShape(int N, int C, int H, int W)
{
    public int Count => N * C * H * W;
    public int Spatial => H * W;
    public override string ToString() => H == 1 && W == 1 ? $"[{N}, {C}]" : $"[{N}, {C}, {H}, {W}]";
}

/// <summary>A value the plan computes. <see cref="Stage"/> names timm's module whose output it is, if any.</summary>
internal sealed record PlanTensor(int Id, string Name, TensorShape Shape, string? Stage);

/// <summary>One op over plan tensors. Every op is what one CUDA kernel (or one cuBLAS GEMM) does.</summary>
internal abstract record PlanStep(string Name, int Output);

/// <summary>Dense 3x3 conv, padding 1, with folded BN and an activation (the stem).</summary>
internal sealed record ConvStep(string Name, int Input, int Output, ConvWeights Weights, int Stride, Activation Activation)
    : PlanStep(Name, Output);

/// <summary>
/// 1x1 conv as a GEMM with folded BN, an activation, and optionally the block input added to the first
/// <see cref="ResidualChannels"/> output channels (timm's partial shortcut).
/// </summary>
internal sealed record PointwiseStep(string Name, int Input, int Output, ConvWeights Weights, Activation Activation,
    int Residual = -1, int ResidualChannels = 0) : PlanStep(Name, Output);

/// <summary>Depthwise 3x3 conv, padding 1, with folded BN and an optional ReLU6.</summary>
internal sealed record DepthwiseStep(string Name, int Input, int Output, ConvWeights Weights, int Stride, Activation Activation)
    : PlanStep(Name, Output);

/// <summary>Mean over H and W per channel: the SE squeeze and the global average pool.</summary>
internal sealed record ChannelMeanStep(string Name, int Input, int Output) : PlanStep(Name, Output);

/// <summary>SE excitation on pooled [N, C]: sigmoid(fc2(relu(fc1(x)))) with the SE's BN folded into fc1.</summary>
internal sealed record SeExciteStep(string Name, int Input, int Output, SeWeights Weights) : PlanStep(Name, Output);

/// <summary>x * gate (per channel), then ReLU6.</summary>
internal sealed record ScaleRelu6Step(string Name, int Input, int Gate, int Output) : PlanStep(Name, Output);

/// <summary>The classifier: y = W x + b on [N, in].</summary>
internal sealed record LinearStep(string Name, int Input, int Output, int InFeatures, int OutFeatures, float[] Weight, float[] Bias)
    : PlanStep(Name, Output);

/// <summary>
/// The whole network for one (batch, height, width) as a flat list of steps over tensors, with tensors
/// assigned to reusable slots by liveness. Built once; backends interpret it without allocating.
/// </summary>
internal sealed class Plan
{
    public FoldedModel Model { get; }
    public int Batch { get; }
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<PlanTensor> Tensors { get; }
    public IReadOnlyList<PlanStep> Steps { get; }
    public PlanTensor Input => Tensors[0];
    public PlanTensor Features { get; }
    public PlanTensor Logits => Tensors[^1];

    /// <summary>Slot of each tensor; two tensors share a slot only when their lifetimes do not overlap.</summary>
    public IReadOnlyList<int> SlotOf { get; }

    /// <summary>Element count of each slot: the largest tensor placed in it.</summary>
    public IReadOnlyList<int> SlotSizes { get; }

    public long ArenaBytes => SlotSizes.Sum(s => (long)s) * sizeof(float);

    private Plan(FoldedModel model, int batch, int height, int width, List<PlanTensor> tensors, List<PlanStep> steps, PlanTensor features)
    {
        Model = model;
        Batch = batch;
        Height = height;
        Width = width;
        Tensors = tensors;
        Steps = steps;
        Features = features;
        (SlotOf, SlotSizes) = AssignSlots(tensors, steps);
    }

    public static Plan Build(FoldedModel model, int batch, int height, int width)
    {
        if (batch < 1)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"batch must be at least 1, got {batch}");
        }
        ModelSpec.ValidateInputSize(height, width);
        var spec = model.Spec;
        var tensors = new List<PlanTensor>();
        var steps = new List<PlanStep>();
        int NewTensor(string name, int c, int h, int w, string? stage = null)
        {
            tensors.Add(new PlanTensor(tensors.Count, name, new TensorShape(batch, c, h, w), stage));
            return tensors.Count - 1;
        }

        int x = NewTensor("input", ModelSpec.InputChannels, height, width);
        int hh = ModelSpec.ConvOutSize(height, 2), ww = ModelSpec.ConvOutSize(width, 2);
        int stem = NewTensor("stem", spec.StemChannels, hh, ww, "stem");
        steps.Add(new ConvStep("stem", x, stem, model.Stem, 2, Activation.Silu));
        x = stem;

        foreach (var bw in model.Blocks)
        {
            var b = bw.Spec;
            string p = b.Prefix;
            int blockInput = x;
            if (bw.Expand is { } expand)
            {
                int e = NewTensor($"{p}.conv_exp", b.DwChannels, hh, ww);
                steps.Add(new PointwiseStep($"{p}.conv_exp", x, e, expand, Activation.Silu));
                x = e;
            }
            hh = ModelSpec.ConvOutSize(hh, b.Stride);
            ww = ModelSpec.ConvOutSize(ww, b.Stride);
            int dw = NewTensor($"{p}.conv_dw", b.DwChannels, hh, ww);
            // Without SE, ReLU6 fuses straight into the depthwise conv.
            steps.Add(new DepthwiseStep($"{p}.conv_dw", x, dw, bw.Depthwise, b.Stride, bw.Se is null ? Activation.Relu6 : Activation.None));
            x = dw;
            if (bw.Se is { } se)
            {
                int pooled = NewTensor($"{p}.se.pool", b.DwChannels, 1, 1);
                steps.Add(new ChannelMeanStep($"{p}.se.pool", x, pooled));
                int gate = NewTensor($"{p}.se.gate", b.DwChannels, 1, 1);
                steps.Add(new SeExciteStep($"{p}.se.excite", pooled, gate, se));
                int scaled = NewTensor($"{p}.se.scale", b.DwChannels, hh, ww);
                steps.Add(new ScaleRelu6Step($"{p}.se.scale_relu6", x, gate, scaled));
                x = scaled;
            }
            int outT = NewTensor(p, b.OutChannels, hh, ww, p);
            steps.Add(b.UseShortcut
                ? new PointwiseStep($"{p}.conv_pwl", x, outT, bw.Project, Activation.None, blockInput, b.InChannels)
                : new PointwiseStep($"{p}.conv_pwl", x, outT, bw.Project, Activation.None));
            x = outT;
        }

        int pen = NewTensor(spec.PenultimatePrefix, spec.PenultimateChannels, hh, ww, spec.PenultimatePrefix);
        steps.Add(new PointwiseStep(spec.PenultimatePrefix, x, pen, model.Penultimate, Activation.Silu));
        int pool = NewTensor("pool", spec.PenultimateChannels, 1, 1, "pool");
        steps.Add(new ChannelMeanStep("pool", pen, pool));
        int logits = NewTensor("logits", spec.NumClasses, 1, 1, "logits");
        steps.Add(new LinearStep("head.fc", pool, logits, spec.PenultimateChannels, spec.NumClasses, model.ClassifierWeight, model.ClassifierBias));
        return new Plan(model, batch, height, width, tensors, steps, tensors[pool]);
    }

    /// <summary>All tensors a step reads.</summary>
    public static IEnumerable<int> InputsOf(PlanStep step) => step switch
    {
        ConvStep s => [s.Input],
        PointwiseStep s => s.Residual >= 0 ? [s.Input, s.Residual] : [s.Input],
        DepthwiseStep s => [s.Input],
        ChannelMeanStep s => [s.Input],
        SeExciteStep s => [s.Input],
        ScaleRelu6Step s => [s.Input, s.Gate],
        LinearStep s => [s.Input],
        _ => throw new NotSupportedException(step.GetType().Name),
    };

    /// <summary>Slots by liveness (<see cref="SlotAssignment"/>); the input and the logits keep slots of their own.</summary>
    private static (int[] SlotOf, int[] SlotSizes) AssignSlots(List<PlanTensor> tensors, List<PlanStep> steps)
    {
        var lastUse = new int[tensors.Count];
        var producedAt = new int[tensors.Count];
        Array.Fill(lastUse, -1);
        Array.Fill(producedAt, -1);
        for (int i = 0; i < steps.Count; i++)
        {
            producedAt[steps[i].Output] = i;
            foreach (int t in InputsOf(steps[i]))
            {
                lastUse[t] = i;
            }
        }
        return SlotAssignment.Assign(tensors.Select(t => t.Shape.Count).ToArray(), producedAt, lastUse, [0, tensors.Count - 1]);
    }
}
