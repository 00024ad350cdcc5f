using RexNet.Model;
using RexNet.Native.Driver;

namespace RexNet.Cuda;

/// <summary>
/// Turns a device program into the device work that runs it: per step, the kernel launches (and, with
/// <see cref="CudaGemm.Cublas"/>, cuBLAS GEMMs) with every pointer resolved to a place in the arena or the
/// weights. A pure data product, so tests can inspect it and execute it on the CPU (kernel emulator + a
/// column-major SGEMM double), and `rexnet plan` can print it without a GPU. The launch configurations are
/// what the kernels' header comments prescribe, from their own constants.
/// </summary>
internal static class CudaPlanRecorder
{
    public static DeviceOp[][] Record(DeviceProgram program, DeviceArena arena, DeviceWeightLayout weights) =>
        program.Steps.Select(step => RecordStep(program, step, arena, weights)).ToArray();

    /// <summary>Scratch floats and counters a step's kernels need (the arena holds the most any step needs).</summary>
    public static (long Floats, long Counters) ScratchOf(DeviceProgram program, DeviceStep step)
    {
        switch (step)
        {
            case DevicePointwise s when program.Gemm == CudaGemm.Kernels:
            {
                var x = program.Shape(s.Input);
                var t = PointwiseTiling.For((long)x.N * x.Spatial, s.Cout, s.Cin);
                return (t.ScratchFloats, t.Counters);
            }
            case DeviceDepthwise { Se: { } se } s:
            {
                var y = program.Shape(s.Depthwise.Output);
                var t = DepthwiseTiling.For(y.C, y.Spatial);
                return ((long)y.N * t.BlocksPerImage * se.Reduced, y.N);
            }
            default:
                return (0, 0);
        }
    }

    /// <summary>Every weight array the program's kernels read, in the form they read it.</summary>
    public static IEnumerable<WeightBlob> WeightsOf(DeviceProgram program) => program.Steps.SelectMany(step => step switch
    {
        DeviceConv s => [WeightBlob.AsIs(s.Conv.Weights.Weight), WeightBlob.AsIs(s.Conv.Weights.Bias)],
        DeviceDepthwise s => SeWeights(s).Prepend(WeightBlob.AsIs(s.Depthwise.Weights.Bias)).Prepend(WeightBlob.AsIs(s.Depthwise.Weights.Weight)),
        DevicePointwise s => [PointwiseWeight(program, s), WeightBlob.AsIs(s.Bias)],
        _ => Array.Empty<WeightBlob>(),
    });

    private static IEnumerable<WeightBlob> SeWeights(DeviceDepthwise s) => s.Se is not { } se
        ? []
        : [
            WeightBlob.Transposed(se.Fc1Weight, se.Reduced, se.Channels, se.Reduced),
            WeightBlob.AsIs(se.Fc1Bias),
            WeightBlob.Transposed(se.Fc2Weight, se.Channels, se.Reduced, se.Channels),
            WeightBlob.AsIs(se.Fc2Bias),
        ];

    /// <summary>Our GEMM reads W transposed, rows padded to 4 floats (aligned 16-byte loads); cuBLAS reads it as the model holds it.</summary>
    private static WeightBlob PointwiseWeight(DeviceProgram program, DevicePointwise s) => program.Gemm == CudaGemm.Kernels
        ? WeightBlob.Transposed(s.Weight, s.Cout, s.Cin, PaddedCout(s.Cout))
        : WeightBlob.AsIs(s.Weight);

    private static int PaddedCout(int cout) => (cout + 3) / 4 * 4;

    private static DeviceOp[] RecordStep(DeviceProgram program, DeviceStep step, DeviceArena arena, DeviceWeightLayout weights)
    {
        LaunchArg T(int tensor) => LaunchArg.Ptr(arena.RefOf(tensor));
        LaunchArg W(WeightBlob blob) => LaunchArg.Ptr(weights.RefOf(blob));
        LaunchArg A(float[] array) => W(WeightBlob.AsIs(array));
        LaunchArg Optional(int tensor) => tensor >= 0 ? T(tensor) : LaunchArg.Null;
        static LaunchArg I(int value) => LaunchArg.Int(value);
        TensorShape S(int tensor) => program.Shape(tensor);
        static long Floats(params long[] counts) => counts.Sum() * sizeof(float);
        KernelLaunch Elementwise(string kernel, long count, long bytes, params LaunchArg[] args) =>
            new(step.Name, kernel, (uint)GridFor(count, KernelCatalog.BlockOf(kernel)), KernelCatalog.BlockOf(kernel), args) { Bytes = bytes };

        switch (step)
        {
            case DeviceConv { Conv: var s }:
            {
                var x = S(s.Input);
                var y = S(s.Output);
                int perThread = KernelCatalog.Constant("conv3x3.cu", "CONV3X3_COUT_PER_THREAD");
                uint block = KernelCatalog.BlockOf(KernelCatalog.Conv3x3);
                var grid = new Dim3((uint)GridFor((long)y.N * y.Spatial, block), (uint)GridFor(y.C, (uint)perThread));
                return
                [
                    new KernelLaunch(s.Name, KernelCatalog.Conv3x3, grid, block,
                        [T(s.Input), A(s.Weights.Weight), A(s.Weights.Bias), T(s.Output), I(x.N), I(x.C), I(x.H), I(x.W), I(y.C), I(s.Stride), I((int)s.Activation)])
                    { Bytes = Floats(x.Count, y.Count, s.Weights.Weight.Length, s.Weights.Bias.Length) },
                ];
            }
            case DeviceDepthwise s:
            {
                var d = s.Depthwise;
                var x = S(d.Input);
                var y = S(d.Output);
                var t = DepthwiseTiling.For(y.C, y.Spatial);
                long seFloats = 0;
                LaunchArg[] se = [LaunchArg.Null, LaunchArg.Null, LaunchArg.Null, LaunchArg.Null, LaunchArg.Null, LaunchArg.Null, LaunchArg.Null];
                if (s.Se is { } w)
                {
                    if (w.Reduced > DepthwiseTiling.MaxHidden)
                    {
                        throw new RexNetException(RexNetErrorCode.DeviceUnavailable, $"{s.Name}: SE width {w.Reduced} exceeds the kernel's limit of {DepthwiseTiling.MaxHidden}");
                    }
                    var blobs = SeWeights(s).ToArray();
                    se = [W(blobs[0]), W(blobs[1]), W(blobs[2]), W(blobs[3]), T(s.Gate), LaunchArg.Ptr(arena.Scratch), LaunchArg.Ptr(arena.Counters)];
                    seFloats = 2L * w.Channels * w.Reduced + w.Reduced + w.Channels + (long)y.N * y.C;
                }
                uint block = KernelCatalog.BlockOf(KernelCatalog.Depthwise3x3);
                return
                [
                    new KernelLaunch(s.Name, KernelCatalog.Depthwise3x3, new Dim3((uint)t.BlocksPerImage, (uint)y.N), block,
                        [
                            T(d.Input), A(d.Weights.Weight), A(d.Weights.Bias), T(d.Output), .. se,
                            I(y.C), I(x.H), I(x.W), I(d.Stride), I((int)d.Activation), I(t.PerLane), I(s.Se?.Reduced ?? 0),
                        ])
                    { Bytes = Floats(x.Count, y.Count, d.Weights.Weight.Length, d.Weights.Bias.Length, seFloats) },
                ];
            }
            case DevicePointwise s:
            {
                var x = S(s.Input);
                var y = S(s.Output);
                long bytes = Floats(x.Count, y.Count, s.Weight.Length, s.Bias.Length, s.Gate >= 0 ? (long)x.N * x.C : 0,
                    s.Residual >= 0 ? S(s.Residual).Count : 0);
                if (program.Gemm == CudaGemm.Kernels)
                {
                    var t = PointwiseTiling.For((long)x.N * x.Spatial, s.Cout, s.Cin);
                    bool split = t.Splits > 1;
                    return
                    [
                        new KernelLaunch(s.Name, KernelCatalog.Pointwise, new Dim3((uint)t.TilesN, (uint)t.TilesM, (uint)t.Splits),
                            KernelCatalog.BlockOf(KernelCatalog.Pointwise),
                            [
                                T(s.Input), Optional(s.Gate), W(PointwiseWeight(program, s)), A(s.Bias), Optional(s.Residual), T(s.Output),
                                split ? LaunchArg.Ptr(arena.Scratch) : LaunchArg.Null, split ? LaunchArg.Ptr(arena.Counters) : LaunchArg.Null,
                                I(x.N), I(s.Cin), I(s.Cout), I(PaddedCout(s.Cout)), I(x.Spatial), I(s.ResidualChannels), I((int)s.Activation),
                                I(t.KPerSplit),
                            ])
                        { Bytes = bytes },
                    ];
                }
                if (s.Gate >= 0)
                {
                    throw new RexNetException(RexNetErrorCode.Internal, $"{s.Name}: a cuBLAS GEMM cannot apply the SE gate to its input");
                }
                var gemm = x.Spatial == 1
                    ? GemmMapping.Linear(s.Name, x.N, s.Cin, s.Cout, weights.RefOf(WeightBlob.AsIs(s.Weight)), arena.RefOf(s.Input), arena.RefOf(s.Output))
                    : GemmMapping.Pointwise(s.Name, x.N, s.Cin, s.Cout, x.Spatial, arena.RefOf(s.Input), weights.RefOf(WeightBlob.AsIs(s.Weight)),
                        arena.RefOf(s.Output));
                return
                [
                    gemm with { Bytes = Floats(x.Count, y.Count, s.Weight.Length) },
                    Elementwise(KernelCatalog.GemmEpilogue, y.Count, Floats(2L * y.Count, s.Bias.Length, s.Residual >= 0 ? S(s.Residual).Count : 0),
                        T(s.Output), A(s.Bias), Optional(s.Residual), I(y.N), I(y.C), I(y.Spatial), I(s.ResidualChannels), I((int)s.Activation)),
                ];
            }
            case DeviceScaleRelu6 { Scale: var s }:
            {
                var y = S(s.Output);
                return [Elementwise(KernelCatalog.ScaleRelu6, y.Count, Floats(2L * y.Count, (long)y.N * y.C), T(s.Input), T(s.Gate), T(s.Output), I(y.N * y.C), I(y.Spatial))];
            }
            case DevicePool { Pool: var s }:
            {
                var x = S(s.Input);
                int planes = x.N * x.C;
                uint block = KernelCatalog.BlockOf(KernelCatalog.GlobalAvgPool);
                return
                [
                    new KernelLaunch(s.Name, KernelCatalog.GlobalAvgPool, (uint)GridFor(planes, block / 32), block, [T(s.Input), T(s.Output), I(planes), I(x.Spatial)])
                    { Bytes = Floats(x.Count, planes) },
                ];
            }
            default:
                throw new RexNetException(RexNetErrorCode.Internal, $"the CUDA backend cannot record {step.GetType().Name}");
        }
    }

    /// <summary>Blocks of <paramref name="block"/> threads (or items) covering <paramref name="count"/> (int-indexed kernels).</summary>
    public static int GridFor(long count, uint block)
    {
        if (count <= 0 || count > int.MaxValue)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{count} elements: the kernels index with int and need 1 to 2^31-1");
        }
        return (int)((count + block - 1) / block);
    }
}
