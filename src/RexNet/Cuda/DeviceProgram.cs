using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cuda;

/// <summary>
/// One step of the device program: what one launch (or a cuBLAS GEMM and its epilogue) computes, over plan
/// tensors. <see cref="Reads"/> and <see cref="Writes"/> drive the arena's slot assignment, which therefore
/// follows the fused program rather than the plan (a fused step reads tensors the plan step did not).
/// </summary>
internal abstract record DeviceStep(string Name)
{
    public abstract IReadOnlyList<int> Reads { get; }
    public abstract IReadOnlyList<int> Writes { get; }
}

/// <summary>The stem: a dense 3x3 conv.</summary>
internal sealed record DeviceConv(ConvStep Conv) : DeviceStep(Conv.Name)
{
    public override IReadOnlyList<int> Reads => [Conv.Input];
    public override IReadOnlyList<int> Writes => [Conv.Output];
}

/// <summary>A depthwise 3x3 conv; with <see cref="Se"/>, also the SE's squeeze and excitation, writing the gate.</summary>
internal sealed record DeviceDepthwise(DepthwiseStep Depthwise, SeWeights? Se, int Gate) : DeviceStep(Depthwise.Name)
{
    public override IReadOnlyList<int> Reads => [Depthwise.Input];
    public override IReadOnlyList<int> Writes => Se is null ? [Depthwise.Output] : [Depthwise.Output, Gate];
}

/// <summary>
/// A 1x1 conv, or the classifier (a 1x1 conv on [n, in, 1, 1]): weight [cout, cin], bias, activation, the
/// partial residual, and, with <see cref="Gate"/> >= 0, relu6(input * gate) applied to the input.
/// </summary>
internal sealed record DevicePointwise(string Name, int Input, int Gate, int Output, int Cin, int Cout, float[] Weight, float[] Bias,
    Activation Activation, int Residual, int ResidualChannels) : DeviceStep(Name)
{
    public override IReadOnlyList<int> Reads => new[] { Input, Gate, Residual }.Where(t => t >= 0).ToArray();
    public override IReadOnlyList<int> Writes => [Output];
}

/// <summary>The SE gate and ReLU6 as a launch of their own (before a cuBLAS projection, which cannot apply them).</summary>
internal sealed record DeviceScaleRelu6(ScaleRelu6Step Scale) : DeviceStep(Scale.Name)
{
    public override IReadOnlyList<int> Reads => [Scale.Input, Scale.Gate];
    public override IReadOnlyList<int> Writes => [Scale.Output];
}

/// <summary>The global average pool.</summary>
internal sealed record DevicePool(ChannelMeanStep Pool) : DeviceStep(Pool.Name)
{
    public override IReadOnlyList<int> Reads => [Pool.Input];
    public override IReadOnlyList<int> Writes => [Pool.Output];
}

/// <summary>
/// The plan as the CUDA backend runs it: each SE block's squeeze and excitation fused into its depthwise
/// conv, and (with our GEMM kernel) the gate and ReLU6 fused into the projection's input; everything else
/// one step per plan step. Pure data, built once per batch size.
/// </summary>
internal sealed class DeviceProgram
{
    public Plan Plan { get; }
    public CudaGemm Gemm { get; }
    public IReadOnlyList<DeviceStep> Steps { get; }

    private DeviceProgram(Plan plan, CudaGemm gemm, IReadOnlyList<DeviceStep> steps)
    {
        Plan = plan;
        Gemm = gemm;
        Steps = steps;
    }

    public static DeviceProgram Build(Plan plan, CudaGemm gemm)
    {
        var steps = new List<DeviceStep>();
        var gatedBy = new Dictionary<int, (int Input, int Gate)>(); // scaled tensor -> what the projection reads instead
        var planSteps = plan.Steps;
        for (int i = 0; i < planSteps.Count; i++)
        {
            switch (planSteps[i])
            {
                case ConvStep s:
                    steps.Add(new DeviceConv(s));
                    break;
                case DepthwiseStep s when i + 3 < planSteps.Count && planSteps[i + 1] is ChannelMeanStep pool && pool.Input == s.Output
                    && planSteps[i + 2] is SeExciteStep excite && excite.Input == pool.Output
                    && planSteps[i + 3] is ScaleRelu6Step scale && scale.Input == s.Output && scale.Gate == excite.Output:
                    steps.Add(new DeviceDepthwise(s, excite.Weights, excite.Output));
                    if (gemm == CudaGemm.Kernels)
                    {
                        gatedBy[scale.Output] = (s.Output, excite.Output);
                    }
                    else
                    {
                        steps.Add(new DeviceScaleRelu6(scale));
                    }
                    i += 3;
                    break;
                case DepthwiseStep s:
                    steps.Add(new DeviceDepthwise(s, null, -1));
                    break;
                case PointwiseStep s:
                {
                    var (input, gate) = gatedBy.TryGetValue(s.Input, out var g) ? g : (s.Input, -1);
                    steps.Add(new DevicePointwise(s.Name, input, gate, s.Output, s.Weights.InChannelsPerGroup, s.Weights.OutChannels, s.Weights.Weight,
                        s.Weights.Bias, s.Activation, s.Residual, s.ResidualChannels));
                    break;
                }
                case ChannelMeanStep s when s.Output == plan.Features.Id:
                    steps.Add(new DevicePool(s));
                    break;
                case LinearStep s:
                    steps.Add(new DevicePointwise(s.Name, s.Input, -1, s.Output, s.InFeatures, s.OutFeatures, s.Weight, s.Bias, Activation.None, -1, 0));
                    break;
                default:
                    throw new RexNetException(RexNetErrorCode.Internal, $"the CUDA backend has no device step for plan step {planSteps[i].Name} ({planSteps[i].GetType().Name})");
            }
        }
        return new DeviceProgram(plan, gemm, steps);
    }

    public TensorShape Shape(int tensor) => Plan.Tensors[tensor].Shape;
}
