using RexNet.Cpu;
using RexNet.Model;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record BiasActivationShape(string Label, int N, int C, int Hw, Activation Act)
{
    public override string ToString() => $"{Label} n{N} c{C} hw{Hw} {Act}";
}

/// <summary>bias_activation.cu (the GEMM epilogue) against CpuOps.BiasActivation.</summary>
internal sealed class BiasActivationOpTest : KernelOpTest<BiasActivationShape>
{
    public override string Name => "bias_activation";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_bias_activation"];

    protected override IEnumerable<BiasActivationShape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var (se, seSize) = KernelTestData.FirstSeBlock(spec);
            var (_, lastSize) = KernelTestData.LastBlock(spec);
            return
            [
                new("odd", 3, 13, 35, Activation.Silu),
                new("odd", 3, 13, 35, Activation.None),
                new("odd", 3, 13, 35, Activation.Relu6),
                new("odd", 3, 13, 9, Activation.Silu),
                new("odd", 2, 7, 437, Activation.Relu6),
                new($"rexnet_100 {se.Prefix}.conv_exp", 1, se.DwChannels, KernelTestData.SizeBefore(spec, se.Index) * KernelTestData.SizeBefore(spec, se.Index),
                    Activation.Silu),
                new($"rexnet_100 {spec.PenultimatePrefix}", 2, spec.PenultimateChannels, lastSize * lastSize, Activation.Silu),
            ];
        }
    }

    protected override void Check(BiasActivationShape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        // Wide enough that ReLU6 clips at both ends and SiLU sees its negative tail.
        float[] x = KernelTestData.Uniform(label + "x", s.N * s.C * s.Hw, -9f, 9f);
        float[] bias = KernelTestData.Uniform(label + "b", s.C, -1f, 1f);
        float[] expected = (float[])x.Clone();
        CpuOps.BiasActivation(expected, s.N, s.C, s.Hw, bias, s.Act);

        using var dx = EmuBuffer.From("x", x);
        using var db = EmuBuffer.From("bias", bias);
        using var args = new KernelArgs().Buffer(dx).Buffer(db).Int(s.N).Int(s.C).Int(s.Hw).Int((int)s.Act);
        int block = KernelSources.Constant("bias_activation.cu", "BIAS_ACTIVATION_BLOCK");
        launcher.Launch("rexnet_bias_activation", Dim3.BlocksFor(x.Length, block), new Dim3((uint)block), args);
        Compare.Close(dx.Span, expected, 1e-5, label);
    }
}
