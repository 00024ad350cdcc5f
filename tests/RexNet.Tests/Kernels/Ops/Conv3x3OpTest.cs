using RexNet.Cpu;
using RexNet.Model;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record Conv3x3Shape(string Label, int N, int Cin, int Cout, int H, int W, int Stride, Activation Act)
{
    public override string ToString() => $"{Label} n{N} {Cin}->{Cout} {H}x{W} s{Stride} {Act}";
}

/// <summary>conv3x3.cu (the stem) against CpuOps.Conv3x3.</summary>
internal sealed class Conv3x3OpTest : KernelOpTest<Conv3x3Shape>
{
    public override string Name => "conv3x3";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_conv3x3"];

    protected override IEnumerable<Conv3x3Shape> Shapes =>
    [
        new("odd", 3, 5, 13, 7, 5, 1, Activation.Silu),
        new("odd", 3, 5, 13, 7, 5, 2, Activation.Silu),
        new("odd", 3, 3, 13, 8, 6, 2, Activation.None),
        new("odd", 2, 3, 7, 23, 19, 2, Activation.Relu6),
        new("odd", 1, 2, 3, 1, 1, 2, Activation.Silu),
        new("odd", 2, 3, 17, 9, 11, 2, Activation.Silu),
        new("rexnet_100 stem", 1, ModelSpec.InputChannels, KernelTestData.Rexnet100.StemChannels, 224, 224, 2, Activation.Silu),
    ];

    protected override void Check(Conv3x3Shape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        int oh = ModelSpec.ConvOutSize(s.H, s.Stride), ow = ModelSpec.ConvOutSize(s.W, s.Stride);
        float[] x = KernelTestData.Uniform(label + "x", s.N * s.Cin * s.H * s.W, -2f, 2f);
        float[] w = KernelTestData.Weights(label + "w", s.Cout * s.Cin * 9, s.Cin * 9);
        float[] bias = KernelTestData.Uniform(label + "b", s.Cout, -1f, 1f);
        var expected = new float[s.N * s.Cout * oh * ow];
        CpuOps.Conv3x3(x, s.N, s.Cin, s.H, s.W, w, bias, s.Cout, s.Stride, s.Act, expected);

        using var dx = EmuBuffer.From("x", x);
        using var dw = EmuBuffer.From("weight", w);
        using var db = EmuBuffer.From("bias", bias);
        using var dy = EmuBuffer.Output("y", expected.Length);
        using var args = new KernelArgs().Buffer(dx).Buffer(dw).Buffer(db).Buffer(dy)
            .Int(s.N).Int(s.Cin).Int(s.H).Int(s.W).Int(s.Cout).Int(s.Stride).Int((int)s.Act);
        int block = KernelSources.Constant("conv3x3.cu", "CONV3X3_BLOCK");
        int perThread = KernelSources.Constant("conv3x3.cu", "CONV3X3_COUT_PER_THREAD");
        var grid = new Dim3(Dim3.BlocksFor(s.N * oh * ow, block).X, Dim3.BlocksFor(s.Cout, perThread).X);
        launcher.Launch("rexnet_conv3x3", grid, new Dim3((uint)block), args);
        Compare.Close(dy.Span, expected, 1e-5, label);
    }
}
