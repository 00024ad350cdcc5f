using RexNet.Cpu;
using RexNet.Cuda;
using RexNet.Model;
using RexNet.Tests.Kernels.Emulation;
using KernelSources = RexNet.Tests.Kernels.Emulation.KernelSources;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Ops;

/// <param name="Rd">SE width; 0 for a block without SE.</param>
internal sealed record Depthwise3x3Shape(string Label, int N, int C, int H, int W, int Stride, Activation Act, int Rd = 0)
{
    public override string ToString() => $"{Label} n{N} c{C} {H}x{W} s{Stride} {Act}{(Rd > 0 ? $" se{Rd}" : "")}";
}

/// <summary>
/// depthwise3x3.cu against CpuOps.Depthwise3x3 and, with SE, the gate against CpuOps.ChannelMean then
/// CpuOps.SeExcite on the conv's output. SE cases also check that the per-image counters are back at zero
/// and that a second launch over the same scratch (a graph replay) gives the same gate.
/// </summary>
internal sealed class Depthwise3x3OpTest : KernelOpTest<Depthwise3x3Shape>
{
    public override string Name => "depthwise3x3";
    public override IReadOnlyList<string> EntryPoints => ["rexnet_depthwise3x3"];

    protected override IEnumerable<Depthwise3x3Shape> Shapes
    {
        get
        {
            var spec = KernelTestData.Rexnet100;
            var (se, _) = KernelTestData.FirstSeBlock(spec);
            var (last, _) = KernelTestData.LastBlock(spec);
            int seIn = KernelTestData.SizeBefore(spec, se.Index), lastIn = KernelTestData.SizeBefore(spec, last.Index);
            var widest = ModelSpec.FromZoo("rexnetr_300").Blocks[^1];
            int widestIn = KernelTestData.SizeBefore(ModelSpec.FromZoo("rexnetr_300"), widest.Index);
            return
            [
                new("odd", 3, 13, 7, 5, 1, Activation.Relu6),
                new("odd", 3, 13, 7, 5, 2, Activation.None),
                new("odd", 3, 13, 8, 6, 2, Activation.Relu6),
                new("odd", 2, 33, 23, 19, 1, Activation.Silu),
                new("odd", 2, 5, 1, 1, 2, Activation.Relu6),
                new("odd", 3, 13, 7, 5, 1, Activation.None, 5),
                new("odd", 2, 37, 23, 19, 2, Activation.None, 3),
                new("odd", 1, 300, 9, 9, 1, Activation.None, 25),
                new("rexnet_100 features.0", 1, spec.Blocks[0].DwChannels, KernelTestData.SizeBefore(spec, 0), KernelTestData.SizeBefore(spec, 0),
                    spec.Blocks[0].Stride, Activation.Relu6),
                new("rexnet_100 features.1", 1, spec.Blocks[1].DwChannels, KernelTestData.SizeBefore(spec, 1), KernelTestData.SizeBefore(spec, 1),
                    spec.Blocks[1].Stride, Activation.Relu6),
                new($"rexnet_100 {se.Prefix}", 2, se.DwChannels, seIn, seIn, se.Stride, Activation.None, se.SeChannels),
                new($"rexnet_100 {last.Prefix}", 2, last.DwChannels, lastIn, lastIn, last.Stride, Activation.None, last.SeChannels),
                new($"rexnetr_300 {widest.Prefix}", 1, widest.DwChannels, widestIn, widestIn, widest.Stride, Activation.None, widest.SeChannels),
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

        int rd = Math.Max(1, s.Rd); // a launch without SE still gets (unused) buffers
        var se = SeInputs(label, s.C, rd);
        var expectedGate = new float[s.N * s.C];
        if (s.Rd > 0)
        {
            var pooled = new float[s.N * s.C];
            CpuOps.ChannelMean(expected, s.N, s.C, oh * ow, pooled);
            CpuOps.SeExcite(pooled, s.N, s.C, s.Rd, se.W1, se.B1, se.W2, se.B2, expectedGate, new float[s.Rd]);
        }

        var tiling = DepthwiseTiling.For(s.C, oh * ow);
        using var dx = EmuBuffer.From("x", x);
        using var dw = EmuBuffer.From("weight", w);
        using var db = EmuBuffer.From("bias", bias);
        using var dy = EmuBuffer.Output("y", expected.Length);
        using var w1t = EmuBuffer.From("w1t", Transposed(se.W1, rd, s.C));
        using var b1 = EmuBuffer.From("b1", se.B1);
        using var w2t = EmuBuffer.From("w2t", Transposed(se.W2, s.C, rd));
        using var b2 = EmuBuffer.From("b2", se.B2);
        using var gate = EmuBuffer.Output("gate", s.N * s.C);
        using var partials = EmuBuffer.Output("partials", s.N * tiling.BlocksPerImage * rd);
        using var counters = EmuBuffer.From("counters", new float[s.N]);
        Launch(s, tiling, launcher, dx, dw, db, dy, s.Rd > 0 ? [w1t, b1, w2t, b2, gate, partials, counters] : null);
        Compare.Close(dy.Span, expected, 1e-5, label);
        if (s.Rd > 0)
        {
            Compare.Close(gate.Span, expectedGate, 1e-5, label + " gate");
            Assert.All(counters.ToArray(), c => Assert.Equal(0u, BitConverter.SingleToUInt32Bits(c)));
            var first = gate.ToArray();
            Launch(s, tiling, launcher, dx, dw, db, dy, [w1t, b1, w2t, b2, gate, partials, counters]);
            Assert.Equal(first, gate.ToArray());
        }
    }

    public static (float[] W1, float[] B1, float[] W2, float[] B2) SeInputs(string label, int c, int rd) =>
        (KernelTestData.Weights(label + "w1", rd * c, c), KernelTestData.Uniform(label + "b1", rd, -0.5f, 1f),
            KernelTestData.Weights(label + "w2", c * rd, rd), KernelTestData.Uniform(label + "b2", c, -1f, 1f));

    private static float[] Transposed(float[] source, int rows, int cols)
    {
        var t = new float[source.Length];
        WeightBlob.Transposed(source, rows, cols, rows).WriteTo(t);
        return t;
    }

    /// <param name="se">w1t, b1, w2t, b2, gate, partials, counters; null for a launch without SE.</param>
    internal static void Launch(Depthwise3x3Shape s, DepthwiseTiling tiling, IKernelLauncher launcher, EmuBuffer x, EmuBuffer w, EmuBuffer b, EmuBuffer y,
        EmuBuffer[]? se)
    {
        using var args = new KernelArgs().Buffer(x).Buffer(w).Buffer(b).Buffer(y);
        for (int i = 0; i < 7; i++)
        {
            if (se is null)
            {
                args.Null();
            }
            else
            {
                args.Buffer(se[i]);
            }
        }
        args.Int(s.C).Int(s.H).Int(s.W).Int(s.Stride).Int((int)s.Act).Int(tiling.PerLane).Int(se is null ? 0 : s.Rd);
        int block = KernelSources.Constant("depthwise3x3.cu", "DEPTHWISE_BLOCK");
        launcher.Launch("rexnet_depthwise3x3", new Dim3((uint)tiling.BlocksPerImage, (uint)s.N), new Dim3((uint)block), args);
    }
}
