using RexNet.Cpu;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record GlobalAvgPoolShape(string Label, int N, int C, int Hw)
{
    public override string ToString() => $"{Label} n{N} c{C} hw{Hw}";
}

/// <summary>global_avg_pool.cu (one warp per plane) against CpuOps.ChannelMean.</summary>
internal sealed class GlobalAvgPoolOpTest : KernelOpTest<GlobalAvgPoolShape>
{
    public override string Name => "global_avg_pool";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_global_avg_pool"];

    /// <summary>Planes (39) not a multiple of anything; hw below a warp, between a warp and a block, above a block; the real pool.</summary>
    protected override IEnumerable<GlobalAvgPoolShape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var (_, lastSize) = KernelTestData.LastBlock(spec);
            return
            [
                new("odd", 3, 13, 35),
                new("odd", 3, 13, 9),
                new("odd", 3, 13, 1),
                new("odd", 3, 13, 437),
                new("odd", 1, 5, 1031),
                new("rexnet_100 pool", 2, spec.PenultimateChannels, lastSize * lastSize),
            ];
        }
    }

    protected override void Check(GlobalAvgPoolShape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        // Offset from zero so the mean is not a cancellation of large terms.
        float[] x = KernelTestData.Uniform(label + "x", s.N * s.C * s.Hw, -1f, 3f);
        var expected = new float[s.N * s.C];
        CpuOps.ChannelMean(x, s.N, s.C, s.Hw, expected);

        using var dx = EmuBuffer.From("x", x);
        using var dy = EmuBuffer.Output("y", expected.Length);
        using var args = new KernelArgs().Buffer(dx).Buffer(dy).Int(s.N * s.C).Int(s.Hw);
        int block = KernelSources.Constant("global_avg_pool.cu", "GLOBAL_AVG_POOL_BLOCK");
        launcher.Launch("rexnet_global_avg_pool", Dim3.BlocksFor(s.N * s.C, block / 32), new Dim3((uint)block), args);
        Compare.Close(dy.Span, expected, 1e-5, label);
    }
}
