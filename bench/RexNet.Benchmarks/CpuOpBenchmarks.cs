using BenchmarkDotNet.Attributes;
using RexNet.Cpu;
using RexNet.Model;

namespace RexNet.Benchmarks;

/// <summary>The CPU ops at real rexnet_100 shapes (batch 1, 224x224), single-threaded.</summary>
[MemoryDiagnoser]
public class CpuOpBenchmarks
{
    private float[] _x = [], _w = [], _bias = [], _y = [], _scratch = [];

    /// <summary>(cin, cout, pixels): block 1's expansion at 112x112, block 3's at 56x56, the final 1x1 at 7x7.</summary>
    [Params("16x96x12544", "38x228x3136", "185x1280x49")]
    public string Pointwise { get; set; } = "";

    private (int Cin, int Cout, int Pixels) Shape
    {
        get
        {
            var p = Pointwise.Split('x').Select(int.Parse).ToArray();
            return (p[0], p[1], p[2]);
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        var (cin, cout, pixels) = Shape;
        var rng = new Random(1);
        _x = Enumerable.Range(0, Math.Max(cin * pixels, 96 * 112 * 112)).Select(_ => rng.NextSingle()).ToArray();
        _w = Enumerable.Range(0, cout * cin).Select(_ => rng.NextSingle() - 0.5f).ToArray();
        _bias = new float[Math.Max(cout, 96)];
        _y = new float[Math.Max(cout * pixels, 96 * 112 * 112)];
        _scratch = new float[Math.Max(GemmTiling.ScratchLength(cin, Gemm.BestIsa), Depthwise.ScratchLength(112, 112))];
    }

    [Benchmark(Description = "1x1 conv + bias + SiLU")]
    public void PointwiseSilu()
    {
        var (cin, cout, pixels) = Shape;
        var g = GemmTiling.Create(1, cout, pixels, 1, Gemm.BestIsa);
        for (int t = 0; t < g.TaskCount; t++)
        {
            GemmConv.PointwiseTask(g, _x, cin, _w, _bias, Activation.Silu, default, 0, _y, t, _scratch, Gemm.BestIsa);
        }
    }

    [Benchmark(Description = "depthwise 3x3 s2, 96ch 112->56")]
    public void DepthwiseStride2() =>
        Depthwise.Planes(_x, 96, 112, 112, _w, _bias, 2, Activation.Relu6, _y, 0, 96, _scratch, Gemm.BestIsa);
}
