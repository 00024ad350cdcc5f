using BenchmarkDotNet.Attributes;
using RexNet.Cpu;
using RexNet.Model;

namespace RexNet.Benchmarks;

/// <summary>The 1x1 conv (GEMM + bias + SiLU) at real rexnet_100 shapes (batch 1, 224x224), single-threaded.</summary>
[MemoryDiagnoser]
public class PointwiseBenchmarks
{
    private float[] _x = [], _w = [], _bias = [], _y = [], _scratch = [];
    private int _cin, _cout, _pixels;

    /// <summary>cin x cout x pixels: block 1's expansion at 112x112, block 3's at 56x56, the final 1x1 at 7x7.</summary>
    [Params("16x96x12544", "38x228x3136", "185x1280x49")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var p = Shape.Split('x').Select(int.Parse).ToArray();
        (_cin, _cout, _pixels) = (p[0], p[1], p[2]);
        var rng = new Random(1);
        _x = Enumerable.Range(0, _cin * _pixels).Select(_ => rng.NextSingle()).ToArray();
        _w = Enumerable.Range(0, _cout * _cin).Select(_ => rng.NextSingle() - 0.5f).ToArray();
        _bias = new float[_cout];
        _y = new float[_cout * _pixels];
        _scratch = new float[GemmTiling.ScratchLength(_cin, Gemm.BestIsa)];
    }

    [Benchmark(Description = "1x1 conv + bias + SiLU")]
    public void PointwiseSilu()
    {
        var g = GemmTiling.Create(1, _cout, _pixels, 1, Gemm.BestIsa);
        for (int t = 0; t < g.TaskCount; t++)
        {
            GemmConv.PointwiseTask(g, _x, _cin, _w, _bias, Activation.Silu, default, 0, _y, t, _scratch, Gemm.BestIsa);
        }
    }
}

/// <summary>Depthwise 3x3 + bias + ReLU6 on rexnet_100's block 1 (96 channels, 112x112 to 56x56), single-threaded.</summary>
[MemoryDiagnoser]
public class DepthwiseBenchmarks
{
    private float[] _x = [], _w = [], _bias = [], _y = [], _scratch = [];

    [Params(1, 2)]
    public int Stride { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _x = Enumerable.Range(0, 96 * 112 * 112).Select(_ => rng.NextSingle()).ToArray();
        _w = Enumerable.Range(0, 96 * 9).Select(_ => rng.NextSingle() - 0.5f).ToArray();
        _bias = new float[96];
        _y = new float[96 * 112 * 112];
        _scratch = new float[Depthwise.ScratchLength(112, 112)];
    }

    [Benchmark(Description = "depthwise 3x3, 96 channels, 112x112")]
    public void Depthwise96() =>
        Depthwise.Planes(_x, 96, 112, 112, _w, _bias, Stride, Activation.Relu6, _y, 0, 96, _scratch, Gemm.BestIsa);
}
