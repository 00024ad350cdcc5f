using RexNet.Model;

namespace RexNet.Cuda;

/// <summary>
/// Turns a plan into the device work that runs it: per plan step, the kernel launches and cuBLAS GEMMs
/// with every pointer resolved to a place in the arena or the weights. A pure data product, so tests can
/// inspect it and execute it on the CPU (kernel emulator + a column-major SGEMM double).
/// 1x1 convs: GEMM, then the bias+activation epilogue kernel, then the partial residual add where the
/// block has a shortcut. Classifier: GEMM, then the bias epilogue with one "pixel" per image.
/// </summary>
internal static class CudaPlanRecorder
{
    public static DeviceOp[][] Record(Plan plan, ArenaLayout arena, DeviceWeightLayout weights)
    {
        arena.RequireCompatible(plan);
        return plan.Steps.Select(step => RecordStep(plan, step, arena, weights)).ToArray();
    }

    private static DeviceOp[] RecordStep(Plan plan, PlanStep step, ArenaLayout arena, DeviceWeightLayout weights)
    {
        LaunchArg T(int tensor) => LaunchArg.Ptr(arena.RefOf(plan, tensor));
        LaunchArg W(float[] array) => LaunchArg.Ptr(weights.RefOf(array));
        static LaunchArg I(int value) => LaunchArg.Int(value);
        TensorShape In(int tensor) => plan.Tensors[tensor].Shape;
        KernelLaunch Elementwise(string kernel, long count, params LaunchArg[] args) =>
            new(step.Name, kernel, GridFor(count, KernelCatalog.BlockOf(kernel)), KernelCatalog.BlockOf(kernel), args);

        var output = plan.Tensors[step.Output].Shape;
        switch (step)
        {
            case ConvStep s:
            {
                var x = In(s.Input);
                return [Elementwise(KernelCatalog.Conv3x3, output.Count,
                    T(s.Input), W(s.Weights.Weight), W(s.Weights.Bias), T(s.Output), I(x.N), I(x.C), I(x.H), I(x.W), I(output.C), I(s.Stride), I((int)s.Activation))];
            }
            case PointwiseStep s:
            {
                var x = In(s.Input);
                int hw = x.Spatial;
                var ops = new List<DeviceOp>
                {
                    GemmMapping.Pointwise(s.Name, x.N, x.C, output.C, hw, arena.RefOf(plan, s.Input), weights.RefOf(s.Weights.Weight), arena.RefOf(plan, s.Output)),
                    Elementwise(KernelCatalog.BiasActivation, output.Count, T(s.Output), W(s.Weights.Bias), I(output.N), I(output.C), I(hw), I((int)s.Activation)),
                };
                if (s.Residual >= 0)
                {
                    ops.Add(Elementwise(KernelCatalog.PartialResidualAdd, (long)output.N * s.ResidualChannels * hw,
                        T(s.Output), T(s.Residual), I(output.N), I(output.C), I(s.ResidualChannels), I(hw)));
                }
                return ops.ToArray();
            }
            case DepthwiseStep s:
            {
                var x = In(s.Input);
                return [Elementwise(KernelCatalog.Depthwise3x3, output.Count,
                    T(s.Input), W(s.Weights.Weight), W(s.Weights.Bias), T(s.Output), I(x.N), I(x.C), I(x.H), I(x.W), I(s.Stride), I((int)s.Activation))];
            }
            case ChannelMeanStep s:
            {
                var x = In(s.Input);
                int planes = x.N * x.C;
                // The final pool reduces many small planes: a warp each. SE squeezes reduce big planes: a block each.
                if (s.Output == plan.Features.Id)
                {
                    uint block = KernelCatalog.BlockOf(KernelCatalog.GlobalAvgPool);
                    return [new KernelLaunch(s.Name, KernelCatalog.GlobalAvgPool, GridFor(planes, block / 32), block, [T(s.Input), T(s.Output), I(planes), I(x.Spatial)])];
                }
                return [new KernelLaunch(s.Name, KernelCatalog.SeSqueeze, (uint)planes, KernelCatalog.BlockOf(KernelCatalog.SeSqueeze),
                    [T(s.Input), T(s.Output), I(planes), I(x.Spatial)])];
            }
            case SeExciteStep s:
            {
                int maxHidden = KernelCatalog.Constant("se_excite.cu", "SE_EXCITE_MAX_HIDDEN");
                if (s.Weights.Reduced > maxHidden)
                {
                    throw new RexNetException(RexNetErrorCode.DeviceUnavailable, $"{s.Name}: SE width {s.Weights.Reduced} exceeds the kernel's limit of {maxHidden}");
                }
                var w = s.Weights;
                return [new KernelLaunch(s.Name, KernelCatalog.SeExcite, (uint)output.N, KernelCatalog.BlockOf(KernelCatalog.SeExcite),
                    [T(s.Input), W(w.Fc1Weight), W(w.Fc1Bias), W(w.Fc2Weight), W(w.Fc2Bias), T(s.Output), I(w.Channels), I(w.Reduced)])];
            }
            case ScaleRelu6Step s:
                return [Elementwise(KernelCatalog.ScaleRelu6, output.Count, T(s.Input), T(s.Gate), T(s.Output), I(output.N * output.C), I(output.Spatial))];
            case LinearStep s:
                return
                [
                    GemmMapping.Linear(s.Name, output.N, s.InFeatures, s.OutFeatures, weights.RefOf(s.Weight), arena.RefOf(plan, s.Input), arena.RefOf(plan, s.Output)),
                    Elementwise(KernelCatalog.BiasActivation, output.Count, T(s.Output), W(s.Bias), I(output.N), I(s.OutFeatures), I(1), I((int)Activation.None)),
                ];
            default:
                throw new NotSupportedException($"the CUDA backend has no op for {step.GetType().Name}");
        }
    }

    /// <summary>Blocks of <paramref name="block"/> threads covering <paramref name="count"/> items (int-indexed kernels).</summary>
    public static uint GridFor(long count, uint block)
    {
        if (count <= 0 || count > int.MaxValue)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{count} elements: the kernels index with int and need 1 to 2^31-1");
        }
        return (uint)((count + block - 1) / block);
    }
}
