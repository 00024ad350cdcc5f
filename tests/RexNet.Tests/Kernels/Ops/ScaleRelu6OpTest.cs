using RexNet.Cpu;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record ScaleRelu6Shape(string Label, int N, int C, int Hw)
{
    public override string ToString() => $"{Label} n{N} c{C} hw{Hw}";
}

/// <summary>scale_relu6.cu against CpuOps.ScaleRelu6.</summary>
internal sealed class ScaleRelu6OpTest : KernelOpTest<ScaleRelu6Shape>
{
    public override string Name => "scale_relu6";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_scale_relu6"];

    protected override IEnumerable<ScaleRelu6Shape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var (se, seSize) = KernelTestData.FirstSeBlock(spec);
            var (last, lastSize) = KernelTestData.LastBlock(spec);
            return
            [
                new("odd", 3, 13, 35),
                new("odd", 3, 13, 9),
                new("odd", 2, 7, 437),
                new($"rexnet_100 {se.Prefix}.se", 1, se.DwChannels, seSize * seSize),
                new($"rexnet_100 {last.Prefix}.se", 2, last.DwChannels, lastSize * lastSize),
            ];
        }
    }

    protected override void Check(ScaleRelu6Shape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        float[] x = KernelTestData.Uniform(label + "x", s.N * s.C * s.Hw, -9f, 9f);
        float[] gate = KernelTestData.Uniform(label + "g", s.N * s.C, 0f, 1f);
        var expected = new float[x.Length];
        CpuOps.ScaleRelu6(x, gate, s.N, s.C, s.Hw, expected);

        using var dx = EmuBuffer.From("x", x);
        using var dg = EmuBuffer.From("gate", gate);
        using var dy = EmuBuffer.Output("y", x.Length);
        using var args = new KernelArgs().Buffer(dx).Buffer(dg).Buffer(dy).Int(s.N * s.C).Int(s.Hw);
        int block = KernelSources.Constant("scale_relu6.cu", "SCALE_RELU6_BLOCK");
        launcher.Launch("rexnet_scale_relu6", Dim3.BlocksFor(x.Length, block), new Dim3((uint)block), args);
        Compare.Close(dy.Span, expected, 1e-6, label);
    }
}
