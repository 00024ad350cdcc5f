using RexNet.Cpu;
using RexNet.Cuda;
using RexNet.Model;
using RexNet.Tests.Kernels.Emulation;
using KernelSources = RexNet.Tests.Kernels.Emulation.KernelSources;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

/// <param name="Splits">Split-K blocks per tile; 0 takes the backend's own choice (<see cref="PointwiseTiling"/>).</param>
internal sealed record PointwiseShape(string Label, int N, int Cin, int Cout, int Hw, Activation Act, bool Gated, int CRes, int Splits = 1)
{
    public override string ToString() => $"{Label} n{N} {Cin}->{Cout} hw{Hw} {Act}{(Gated ? " gated" : "")} cres{CRes} splits{(Splits == 0 ? "auto" : Splits)}";
}

/// <summary>
/// pointwise.cu, the GEMM with the layer inside, against its CPU twin: CpuOps.Pointwise (bias, activation,
/// partial residual), after CpuOps.ScaleRelu6 for a gated input. Split-K cases also check that the tile
/// counters are back at zero and that a second launch over the same scratch (a graph replay) agrees.
/// </summary>
internal sealed class PointwiseOpTest : KernelOpTest<PointwiseShape>
{
    public override string Name => "pointwise";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_pointwise"];

    protected override IEnumerable<PointwiseShape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var expand = spec.Blocks[1];
            int expandSize = KernelTestData.SizeBefore(spec, expand.Index);
            var (last, lastSize) = KernelTestData.LastBlock(spec);
            var gatedShortcut = spec.Blocks.Last(b => b.HasSe && b.UseShortcut);
            int gatedSize = ModelSpec.ConvOutSize(KernelTestData.SizeBefore(spec, gatedShortcut.Index), gatedShortcut.Stride);
            return
            [
                new("odd", 3, 13, 7, 35, Activation.Silu, false, 0),
                new("odd", 3, 37, 29, 35, Activation.None, true, 13),
                new("odd", 2, 300, 70, 9, Activation.Silu, true, 0, 3),
                new("odd", 3, 77, 5, 1, Activation.None, false, 0, 2),
                new("odd images across a tile", 3, 20, 66, 49, Activation.Relu6, false, 20),
                new($"rexnet_100 {expand.Prefix}.conv_exp", 1, expand.InChannels, expand.DwChannels, expandSize * expandSize, Activation.Silu, false, 0, 0),
                new($"rexnet_100 {gatedShortcut.Prefix}.conv_pwl", 1, gatedShortcut.DwChannels, gatedShortcut.OutChannels, gatedSize * gatedSize, Activation.None,
                    true, gatedShortcut.InChannels, 0),
                new($"rexnet_100 {spec.PenultimatePrefix}", 2, last.OutChannels, spec.PenultimateChannels, lastSize * lastSize, Activation.Silu, false, 0, 0),
                new("rexnet_100 head.fc", 1, spec.PenultimateChannels, spec.NumClasses, 1, Activation.None, false, 0, 0),
            ];
        }
    }

    protected override void Check(PointwiseShape s, IKernelLauncher launcher)
    {
        string label = s.ToString();
        float[] x = KernelTestData.Uniform(label + "x", s.N * s.Cin * s.Hw, -3f, 3f);
        float[] gate = KernelTestData.Uniform(label + "g", s.N * s.Cin, 0f, 1f);
        float[] w = KernelTestData.Weights(label + "w", s.Cout * s.Cin, s.Cin);
        float[] bias = KernelTestData.Uniform(label + "b", s.Cout, -1f, 1f);
        float[] residual = KernelTestData.Uniform(label + "r", s.N * s.CRes * s.Hw, -2f, 2f);
        float[] input = x;
        if (s.Gated)
        {
            input = new float[x.Length];
            CpuOps.ScaleRelu6(x, gate, s.N, s.Cin, s.Hw, input);
        }
        var expected = new float[s.N * s.Cout * s.Hw];
        CpuOps.Pointwise(input, s.N, s.Cin, s.Hw, w, bias, s.Cout, s.Act, residual, s.CRes, expected);

        var tiling = PointwiseTiling.For((long)s.N * s.Hw, s.Cout, s.Cin);
        if (s.Splits > 0)
        {
            int slices = (s.Cin + PointwiseTiling.TileK - 1) / PointwiseTiling.TileK;
            int perSplit = (slices + s.Splits - 1) / s.Splits;
            tiling = tiling with { Splits = s.Splits, KPerSplit = perSplit * PointwiseTiling.TileK };
            Assert.Equal(s.Splits, (slices + perSplit - 1) / perSplit);
        }
        int padded = (s.Cout + 3) / 4 * 4;
        var wt = new float[s.Cin * padded];
        WeightBlob.Transposed(w, s.Cout, s.Cin, padded).WriteTo(wt);

        using var dx = EmuBuffer.From("x", x);
        using var dg = EmuBuffer.From("gate", gate);
        using var dw = EmuBuffer.From("wt", wt);
        using var db = EmuBuffer.From("bias", bias);
        using var dr = EmuBuffer.From("residual", residual);
        using var dy = EmuBuffer.Output("y", expected.Length);
        using var partials = EmuBuffer.Output("partials", (int)Math.Max(1, tiling.ScratchFloats));
        using var counters = EmuBuffer.From("counters", new float[Math.Max(1, tiling.Counters)]);
        void Launch()
        {
            using var args = new KernelArgs().Buffer(dx);
            (s.Gated ? args.Buffer(dg) : args.Null()).Buffer(dw).Buffer(db);
            (s.CRes > 0 ? args.Buffer(dr) : args.Null()).Buffer(dy);
            (tiling.Splits > 1 ? args.Buffer(partials).Buffer(counters) : args.Null().Null())
                .Int(s.N).Int(s.Cin).Int(s.Cout).Int(padded).Int(s.Hw).Int(s.CRes).Int((int)s.Act).Int(tiling.KPerSplit);
            int block = KernelSources.Constant("pointwise.cu", "POINTWISE_BLOCK");
            launcher.Launch("rexnet_pointwise", new Dim3((uint)tiling.TilesN, (uint)tiling.TilesM, (uint)tiling.Splits), new Dim3((uint)block), args);
        }
        Launch();
        Compare.Close(dy.Span, expected, 1e-5, label);
        if (tiling.Splits > 1)
        {
            Assert.All(counters.ToArray(), c => Assert.Equal(0u, BitConverter.SingleToUInt32Bits(c)));
            var first = dy.ToArray();
            Launch();
            Assert.Equal(first, dy.ToArray());
        }
    }
}
