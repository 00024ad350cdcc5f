using RexNet.Cpu;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record ChannelMeanShape(string Label, int N, int C, int Hw)
{
    public override string ToString() => $"{Label} n{N} c{C} hw{Hw}";
}

/// <summary>channel_mean.cu's two entry points, both against CpuOps.ChannelMean; they differ in launch shape.</summary>
internal abstract class ChannelMeanOpTest : KernelOpTest<ChannelMeanShape>
{
    protected abstract string EntryPoint { get; }

    /// <summary>The grid and block for <paramref name="planes"/> planes.</summary>
    protected abstract (Dim3 Grid, Dim3 Block) LaunchShape(int planes);

    public override IReadOnlyList<string> EntryPoints => [EntryPoint];

    /// <summary>Odd shapes: planes (39) not a multiple of anything; hw below a warp, between a warp and a block, above a block.</summary>
    protected static IEnumerable<ChannelMeanShape> OddShapes =>
    [
        new("odd", 3, 13, 35),
        new("odd", 3, 13, 9),
        new("odd", 3, 13, 1),
        new("odd", 3, 13, 437),
        new("odd", 1, 5, 1031),
    ];

    protected override void Check(ChannelMeanShape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        // Offset from zero so the mean is not a cancellation of large terms.
        float[] x = KernelTestData.Uniform(label + "x", s.N * s.C * s.Hw, -1f, 3f);
        var expected = new float[s.N * s.C];
        CpuOps.ChannelMean(x, s.N, s.C, s.Hw, expected);

        using var dx = EmuBuffer.From("x", x);
        using var dy = EmuBuffer.Output("y", expected.Length);
        using var args = new KernelArgs().Buffer(dx).Buffer(dy).Int(s.N * s.C).Int(s.Hw);
        var (grid, block) = LaunchShape(s.N * s.C);
        launcher.Launch(EntryPoint, grid, block, args);
        Compare.Close(dy.Span, expected, 1e-5, label);
    }
}

/// <summary>rexnet_se_squeeze: one block per plane.</summary>
internal sealed class SeSqueezeOpTest : ChannelMeanOpTest
{
    public override string Name => "se_squeeze";
    protected override string EntryPoint => "rexnet_se_squeeze";

    protected override (Dim3 Grid, Dim3 Block) LaunchShape(int planes) =>
        (new Dim3((uint)planes), new Dim3((uint)KernelSources.Constant("channel_mean.cu", "SE_SQUEEZE_BLOCK")));

    protected override IEnumerable<ChannelMeanShape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var (se, seSize) = KernelTestData.FirstSeBlock(spec);
            var (last, lastSize) = KernelTestData.LastBlock(spec);
            return
            [
                .. OddShapes,
                new($"rexnet_100 {se.Prefix}.se", 2, se.DwChannels, seSize * seSize),
                new($"rexnet_100 {last.Prefix}.se", 1, last.DwChannels, lastSize * lastSize),
            ];
        }
    }
}

/// <summary>rexnet_global_avg_pool: one warp per plane.</summary>
internal sealed class GlobalAvgPoolOpTest : ChannelMeanOpTest
{
    public override string Name => "global_avg_pool";
    protected override string EntryPoint => "rexnet_global_avg_pool";

    protected override (Dim3 Grid, Dim3 Block) LaunchShape(int planes)
    {
        int block = KernelSources.Constant("channel_mean.cu", "GLOBAL_AVG_POOL_BLOCK");
        return (Dim3.BlocksFor(planes, block / 32), new Dim3((uint)block));
    }

    protected override IEnumerable<ChannelMeanShape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var (_, lastSize) = KernelTestData.LastBlock(spec);
            return [.. OddShapes, new("rexnet_100 pool", 2, spec.PenultimateChannels, lastSize * lastSize)];
        }
    }
}
