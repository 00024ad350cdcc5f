using RexNet.Tests.Kernels.Ops;

namespace RexNet.Tests.Kernels;

/// <summary>Every kernel op test. Adding an op is one class in Ops/ and one line here.</summary>
internal static class KernelOpRegistry
{
    public static IReadOnlyList<IKernelOpTest> All { get; } =
    [
        new Conv3x3OpTest(),
        new Depthwise3x3OpTest(),
        new PointwiseOpTest(),
        new GlobalAvgPoolOpTest(),
        new ScaleRelu6OpTest(),
        new GemmEpilogueOpTest(),
    ];

    public static IKernelOpTest Get(string name) => All.Single(op => op.Name == name);
}
