using RexNet.Cpu;
using RexNet.Model;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record GemmEpilogueShape(string Label, int N, int C, int Hw, int CRes, Activation Act)
{
    public override string ToString() => $"{Label} n{N} c{C} hw{Hw} cres{CRes} {Act}";
}

/// <summary>gemm_epilogue.cu (after a cuBLAS GEMM) against CpuOps.BiasActivation then CpuOps.PartialResidualAdd.</summary>
internal sealed class GemmEpilogueOpTest : KernelOpTest<GemmEpilogueShape>
{
    public override string Name => "gemm_epilogue";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_gemm_epilogue"];

    protected override IEnumerable<GemmEpilogueShape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var (se, _) = KernelTestData.FirstSeBlock(spec);
            var shortcut = spec.Blocks.Last(b => b.UseShortcut);
            var (_, lastSize) = KernelTestData.LastBlock(spec);
            int seIn = KernelTestData.SizeBefore(spec, se.Index);
            int shortcutSize = ModelSpec.ConvOutSize(KernelTestData.SizeBefore(spec, shortcut.Index), shortcut.Stride);
            return
            [
                new("odd", 3, 13, 35, 0, Activation.Silu),
                new("odd", 3, 13, 35, 7, Activation.None),
                new("odd", 3, 13, 9, 13, Activation.Relu6),
                new("odd", 2, 29, 437, 17, Activation.None),
                new("classifier", 3, 1000, 1, 0, Activation.None),
                new($"rexnet_100 {se.Prefix}.conv_exp", 1, se.DwChannels, seIn * seIn, 0, Activation.Silu),
                new($"rexnet_100 {shortcut.Prefix}.conv_pwl", 2, shortcut.OutChannels, shortcutSize * shortcutSize, shortcut.InChannels, Activation.None),
                new($"rexnet_100 {spec.PenultimatePrefix}", 2, spec.PenultimateChannels, lastSize * lastSize, 0, Activation.Silu),
            ];
        }
    }

    protected override void Check(GemmEpilogueShape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        // Wide enough that ReLU6 clips at both ends and SiLU sees its negative tail.
        float[] y = KernelTestData.Uniform(label + "y", s.N * s.C * s.Hw, -9f, 9f);
        float[] bias = KernelTestData.Uniform(label + "b", s.C, -1f, 1f);
        float[] residual = KernelTestData.Uniform(label + "r", s.N * s.CRes * s.Hw, -3f, 3f);
        float[] expected = (float[])y.Clone();
        CpuOps.BiasActivation(expected, s.N, s.C, s.Hw, bias, s.Act);
        CpuOps.PartialResidualAdd(expected, residual, s.N, s.C, s.CRes, s.Hw);

        using var dy = EmuBuffer.From("y", y);
        using var db = EmuBuffer.From("bias", bias);
        using var dr = EmuBuffer.From("residual", residual);
        using var args = new KernelArgs().Buffer(dy).Buffer(db);
        (s.CRes > 0 ? args.Buffer(dr) : args.Null()).Int(s.N).Int(s.C).Int(s.Hw).Int(s.CRes).Int((int)s.Act);
        int block = KernelSources.Constant("gemm_epilogue.cu", "GEMM_EPILOGUE_BLOCK");
        launcher.Launch("rexnet_gemm_epilogue", Dim3.BlocksFor(y.Length, block), new Dim3((uint)block), args);
        Compare.Close(dy.Span, expected, 1e-5, label);
    }
}
