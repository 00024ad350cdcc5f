using RexNet.Cpu;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

internal sealed record PartialResidualAddShape(string Label, int N, int COut, int CRes, int Hw)
{
    public override string ToString() => $"{Label} n{N} cout{COut} cres{CRes} hw{Hw}";
}

/// <summary>partial_residual_add.cu against CpuOps.PartialResidualAdd; channels past cres must come back untouched.</summary>
internal sealed class PartialResidualAddOpTest : KernelOpTest<PartialResidualAddShape>
{
    public override string Name => "partial_residual_add";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_partial_residual_add"];

    protected override IEnumerable<PartialResidualAddShape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var shortcuts = spec.Blocks.Where(b => b.UseShortcut).ToArray();
            var (first, last) = (shortcuts[0], shortcuts[^1]);
            int firstSize = KernelTestData.SizeBefore(spec, first.Index), lastSize = KernelTestData.SizeBefore(spec, last.Index);
            return
            [
                new("odd", 3, 13, 7, 35),
                new("odd", 3, 13, 13, 9),
                new("odd", 2, 29, 17, 437),
                new($"rexnet_100 {first.Prefix}", 2, first.OutChannels, first.InChannels, firstSize * firstSize),
                new($"rexnet_100 {last.Prefix}", 3, last.OutChannels, last.InChannels, lastSize * lastSize),
            ];
        }
    }

    protected override void Check(PartialResidualAddShape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        float[] y = KernelTestData.Uniform(label + "y", s.N * s.COut * s.Hw, -3f, 3f);
        float[] residual = KernelTestData.Uniform(label + "r", s.N * s.CRes * s.Hw, -3f, 3f);
        float[] expected = (float[])y.Clone();
        CpuOps.PartialResidualAdd(expected, residual, s.N, s.COut, s.CRes, s.Hw);

        using var dy = EmuBuffer.From("y", y);
        using var dr = EmuBuffer.From("residual", residual);
        using var args = new KernelArgs().Buffer(dy).Buffer(dr).Int(s.N).Int(s.COut).Int(s.CRes).Int(s.Hw);
        int block = KernelSources.Constant("partial_residual_add.cu", "PARTIAL_RESIDUAL_ADD_BLOCK");
        launcher.Launch("rexnet_partial_residual_add", Dim3.BlocksFor(residual.Length, block), new Dim3((uint)block), args);
        Compare.Close(dy.Span, expected, 0, label);
    }
}
