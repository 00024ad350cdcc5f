using RexNet.Cpu;
using RexNet.Model;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record SeExciteShape(string Label, int N, int C, int Rd)
{
    public override string ToString() => $"{Label} n{N} c{C} rd{Rd}";
}

/// <summary>se_excite.cu against CpuOps.SeExcite.</summary>
internal sealed class SeExciteOpTest : KernelOpTest<SeExciteShape>
{
    public override string Name => "se_excite";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_se_excite"];

    protected override IEnumerable<SeExciteShape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var first = spec.Blocks.First(b => b.HasSe);
            var widest = ModelSpec.FromZoo("rexnetr_300").Blocks[^1];
            return
            [
                new("odd", 3, 13, 5),
                new("odd", 3, 37, 1),
                new("odd", 2, 300, 25),
                new("odd", 1, 61, 33),
                new($"rexnet_100 {first.Prefix}.se", 2, first.DwChannels, first.SeChannels),
                new($"rexnet_100 {spec.Blocks[^1].Prefix}.se", 1, spec.Blocks[^1].DwChannels, spec.Blocks[^1].SeChannels),
                new($"rexnetr_300 {widest.Prefix}.se", 1, widest.DwChannels, widest.SeChannels),
            ];
        }
    }

    protected override void Check(SeExciteShape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        var (pooled, w1, b1, w2, b2) = Inputs(label, s.N, s.C, s.Rd);
        var expected = new float[s.N * s.C];
        CpuOps.SeExcite(pooled, s.N, s.C, s.Rd, w1, b1, w2, b2, expected, new float[s.Rd]);

        using var gate = EmuBuffer.Output("gate", expected.Length);
        Launch(s.N, s.C, s.Rd, (pooled, w1, b1, w2, b2), gate, launcher);
        Compare.Close(gate.Span, expected, 1e-5, label);
    }

    public static (float[] Pooled, float[] W1, float[] B1, float[] W2, float[] B2) Inputs(string label, int n, int c, int rd) =>
        (KernelTestData.Uniform(label + "p", n * c, -1f, 3f),
            KernelTestData.Weights(label + "w1", rd * c, c),
            KernelTestData.Uniform(label + "b1", rd, -0.5f, 1f),
            KernelTestData.Weights(label + "w2", c * rd, rd),
            KernelTestData.Uniform(label + "b2", c, -1f, 1f));

    public static void Launch(int n, int c, int rd, (float[] Pooled, float[] W1, float[] B1, float[] W2, float[] B2) inputs, EmuBuffer gate,
        IKernelLauncher launcher)
    {
        using var pooled = EmuBuffer.From("pooled", inputs.Pooled);
        using var w1 = EmuBuffer.From("w1", inputs.W1);
        using var b1 = EmuBuffer.From("b1", inputs.B1);
        using var w2 = EmuBuffer.From("w2", inputs.W2);
        using var b2 = EmuBuffer.From("b2", inputs.B2);
        using var args = new KernelArgs().Buffer(pooled).Buffer(w1).Buffer(b1).Buffer(w2).Buffer(b2).Buffer(gate).Int(c).Int(rd);
        int block = KernelSources.Constant("se_excite.cu", "SE_EXCITE_BLOCK");
        launcher.Launch("rexnet_se_excite", new Dim3((uint)n), new Dim3((uint)block), args);
    }
}
