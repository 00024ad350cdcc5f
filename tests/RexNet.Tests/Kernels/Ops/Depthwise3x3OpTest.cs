using RexNet.Cpu;
using RexNet.Model;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record Depthwise3x3Shape(string Label, int N, int C, int H, int W, int Stride, Activation Act)
{
    public override string ToString() => $"{Label} n{N} c{C} {H}x{W} s{Stride} {Act}";
}

/// <summary>depthwise3x3.cu against CpuOps.Depthwise3x3.</summary>
internal sealed class Depthwise3x3OpTest : KernelOpTest<Depthwise3x3Shape>
{
    public override string Name => "depthwise3x3";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_depthwise3x3"];

    protected override IEnumerable<Depthwise3x3Shape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var (se, seSize) = KernelTestData.FirstSeBlock(spec);
            var (last, lastSize) = KernelTestData.LastBlock(spec);
            return
            [
                new("odd", 3, 13, 7, 5, 1, Activation.Relu6),
                new("odd", 3, 13, 7, 5, 2, Activation.None),
                new("odd", 3, 13, 8, 6, 2, Activation.Relu6),
                new("odd", 2, 33, 23, 19, 1, Activation.Silu),
                new("odd", 2, 5, 1, 1, 2, Activation.Relu6),
                new("rexnet_100 features.0", 1, spec.Blocks[0].DwChannels, KernelTestData.SizeBefore(spec, 0), KernelTestData.SizeBefore(spec, 0),
                    spec.Blocks[0].Stride, Activation.Relu6),
                new("rexnet_100 features.1", 1, spec.Blocks[1].DwChannels, KernelTestData.SizeBefore(spec, 1), KernelTestData.SizeBefore(spec, 1),
                    spec.Blocks[1].Stride, Activation.Relu6),
                new($"rexnet_100 {se.Prefix}", 1, se.DwChannels, KernelTestData.SizeBefore(spec, se.Index), KernelTestData.SizeBefore(spec, se.Index),
                    se.Stride, Activation.None),
                new($"rexnet_100 {last.Prefix}", 2, last.DwChannels, lastSize, lastSize, last.Stride, Activation.None),
            ];
        }
    }

    protected override void Check(Depthwise3x3Shape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        int oh = ModelSpec.ConvOutSize(s.H, s.Stride), ow = ModelSpec.ConvOutSize(s.W, s.Stride);
        float[] x = KernelTestData.Uniform(label + "x", s.N * s.C * s.H * s.W, -2f, 2f);
        float[] w = KernelTestData.Weights(label + "w", s.C * 9, 9);
        float[] bias = KernelTestData.Uniform(label + "b", s.C, -1f, 1f);
        var expected = new float[s.N * s.C * oh * ow];
        CpuOps.Depthwise3x3(x, s.N, s.C, s.H, s.W, w, bias, s.Stride, s.Act, expected);

        using var dx = EmuBuffer.From("x", x);
        using var dw = EmuBuffer.From("weight", w);
        using var db = EmuBuffer.From("bias", bias);
        using var dy = EmuBuffer.Output("y", expected.Length);
        using var args = new KernelArgs().Buffer(dx).Buffer(dw).Buffer(db).Buffer(dy)
            .Int(s.N).Int(s.C).Int(s.H).Int(s.W).Int(s.Stride).Int((int)s.Act);
        int block = KernelSources.Constant("depthwise3x3.cu", "DEPTHWISE3X3_BLOCK");
        launcher.Launch("rexnet_depthwise3x3", Dim3.BlocksFor(expected.Length, block), new Dim3((uint)block), args);
        Compare.Close(dy.Span, expected, 1e-5, label);
    }
}
