using RexNet.Cuda;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet;

/// <summary>
/// One unit of work in a described plan: on CUDA a kernel launch ("kernel", with its entry point, grid and
/// block) or a cuBLAS call ("gemm"); on the CPU a plan step (its kind, e.g. "pointwise"). Bytes are what it
/// must at least move through memory: its inputs, weights and outputs once each.
/// </summary>
internal sealed record PlanOp(string Kind, string Name, string? Kernel, IReadOnlyList<uint>? Grid, IReadOnlyList<uint>? Block, long Bytes);

/// <summary>
/// What a backend will run for one model, batch and input size, as it records it, without running
/// anything and without a GPU (`rexnet plan`). On CUDA the ops are the device ops of one inference (the
/// copies in and out excluded), the arena holds activations and the fused kernels' scratch, and the weights
/// are the packed device image; on the CPU the ops are the plan's steps and the arena its activation slots.
/// </summary>
internal sealed record PlanDescription(string Model, int Batch, int Height, int Width, DeviceKind Device, CudaGemm? Gemm, IReadOnlyList<PlanOp> Ops,
    long ArenaBytes, long WeightBytes)
{
    /// <summary>Describes <paramref name="model"/>'s plan on <paramref name="device"/> (Cpu or Cuda; weight values do not matter).</summary>
    public static PlanDescription Describe(FoldedModel model, int batch, int height, int width, DeviceKind device, CudaGemm gemm = CudaGemm.Kernels)
    {
        ArgumentNullException.ThrowIfNull(model);
        switch (device)
        {
            case DeviceKind.Cuda:
            {
                var cuda = CudaPlan.Create(model, batch, height, width, gemm);
                var ops = cuda.Ops[batch - 1].SelectMany(step => step).Select(op => op switch
                {
                    KernelLaunch k => new PlanOp("kernel", k.Step, k.Kernel, [k.Grid.X, k.Grid.Y, k.Grid.Z], [k.Block.X, k.Block.Y, k.Block.Z], k.Bytes),
                    GemmCall g => new PlanOp("gemm", g.Step, g.BatchCount == 1 ? "cublasSgemm_v2" : "cublasSgemmStridedBatched", null, null, g.Bytes),
                    _ => throw new RexNetException(RexNetErrorCode.Internal, $"no plan op for {op.GetType().Name}"),
                }).ToArray();
                return new PlanDescription(model.Spec.Name, batch, height, width, device, gemm, ops, cuda.Arena.Bytes, cuda.Weights.Bytes);
            }
            case DeviceKind.Cpu:
            {
                var plan = Plan.Build(model, batch, height, width);
                var ops = plan.Steps.Select(s => new PlanOp(CpuKind(s), s.Name, null, null, null, CpuBytes(plan, s))).ToArray();
                long weights = plan.Steps.Sum(s => (long)WeightFloats(s)) * sizeof(float);
                return new PlanDescription(model.Spec.Name, batch, height, width, device, null, ops, plan.ArenaBytes, weights);
            }
            default:
                throw new RexNetException(RexNetErrorCode.InvalidArgument, $"a plan is described for one backend: cpu or cuda, not {device.ToString().ToLowerInvariant()}");
        }
    }

    private static string CpuKind(PlanStep step) => step switch
    {
        ConvStep => "conv3x3",
        PointwiseStep => "pointwise",
        DepthwiseStep => "depthwise3x3",
        ChannelMeanStep => "channel_mean",
        SeExciteStep => "se_excite",
        ScaleRelu6Step => "scale_relu6",
        LinearStep => "linear",
        _ => throw new RexNetException(RexNetErrorCode.Internal, $"no CPU kind for {step.GetType().Name}"),
    };

    private static int WeightFloats(PlanStep step) => step switch
    {
        ConvStep s => s.Weights.Weight.Length + s.Weights.Bias.Length,
        PointwiseStep s => s.Weights.Weight.Length + s.Weights.Bias.Length,
        DepthwiseStep s => s.Weights.Weight.Length + s.Weights.Bias.Length,
        SeExciteStep s => s.Weights.Fc1Weight.Length + s.Weights.Fc1Bias.Length + s.Weights.Fc2Weight.Length + s.Weights.Fc2Bias.Length,
        LinearStep s => s.Weight.Length + s.Bias.Length,
        _ => 0,
    };

    private static long CpuBytes(Plan plan, PlanStep step) =>
        (Plan.InputsOf(step).Sum(t => (long)plan.Tensors[t].Shape.Count) + plan.Tensors[step.Output].Shape.Count + WeightFloats(step)) * sizeof(float);
}
