using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using RexNet.Cpu;
using RexNet.Model;

namespace RexNet.Benchmarks;

/// <summary>
/// The CPU kernels at real rexnet_100 shapes (batch 1, 224x224), single-threaded, on channels-last data, at
/// each vector width (Vector128 is what ARM64 runs; on x64 it shows what the 128-bit path costs).
/// </summary>
public abstract class CpuKernelBenchmark
{
    [Params("Vector512", "Vector256", "Vector128")]
    public string Isa { get; set; } = "";

    private protected VectorIsa VectorIsa => Enum.Parse<VectorIsa>(Isa);

    private protected KernelRunner Runner => VectorIsa switch
    {
        VectorIsa.Vector512 => new KernelRunner<Simd512, Vector512<float>>(),
        VectorIsa.Vector256 => new KernelRunner<Simd256, Vector256<float>>(),
        _ => new KernelRunner<Simd128, Vector128<float>>(),
    };

    private protected static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextSingle() - 0.5f).ToArray();
    }
}

/// <summary>The 1x1 conv: GEMM over channels-last pixels with packed weights, bias and activation fused.</summary>
[MemoryDiagnoser]
public class PointwiseBenchmarks : CpuKernelBenchmark
{
    private float[] _x = [], _y = [];
    private PackedWeights? _w;
    private KernelRunner? _runner;
    private int _cin, _cout, _pixels;
    private Activation _act;

    /// <summary>
    /// cin x cout x pixels: block 1's expansion at 112x112, block 3's at 56x56, block 2's projection at 56x56,
    /// block 15's at 7x7, the final 1x1 at 7x7.
    /// </summary>
    [Params("16x96x12544", "38x228x3136", "162x38x3136", "1110x185x49", "185x1280x49")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var p = Shape.Split('x').Select(int.Parse).ToArray();
        (_cin, _cout, _pixels) = (p[0], p[1], p[2]);
        _act = _cin < _cout ? Activation.Silu : Activation.None;
        _w = new PackedWeights(Random(_cout * _cin, 1), new float[_cout], _cout, _cin, VectorIsa, VectorIsas.PanelVectors);
        _x = Random(_pixels * VectorIsa.PadChannels(_cin), 2);
        _y = new float[_pixels * VectorIsa.PadChannels(_cout)];
        _runner = Runner;
    }

    [Benchmark(Description = "1x1 conv + bias (+ SiLU for expansions)")]
    public void Pointwise() =>
        _runner!.Pointwise(_x, VectorIsa.PadChannels(_cin), _pixels, _w!, _y, VectorIsa.PadChannels(_cout), _act);
}

/// <summary>Depthwise 3x3 + bias + ReLU6 over every row of a channels-last image.</summary>
[MemoryDiagnoser]
public class DepthwiseBenchmarks : CpuKernelBenchmark
{
    private float[] _x = [], _y = [], _zeros = [];
    private DepthwiseWeights? _w;
    private KernelRunner? _runner;
    private int _c, _h, _stride;

    /// <summary>channels x input size / stride: block 1 (112x112 to 56x56) and block 2 (56x56).</summary>
    [Params("96x112/2", "162x56/1")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var p = Shape.Split('x', '/').Select(int.Parse).ToArray();
        (_c, _h, _stride) = (p[0], p[1], p[2]);
        _w = new DepthwiseWeights(Random(_c * 9, 3), new float[_c], _c, VectorIsa);
        _x = Random(_h * _h * _w.PaddedChannels, 4);
        int o = ModelSpec.ConvOutSize(_h, _stride);
        _y = new float[o * o * _w.PaddedChannels];
        _zeros = new float[_h * _w.PaddedChannels];
        _runner = Runner;
    }

    [Benchmark(Description = "depthwise 3x3 + bias + ReLU6")]
    public void Depthwise() => _runner!.Depthwise(_x, _h, _h, _stride, _w!, _y, _zeros);
}

/// <summary>The stem: 3x3 stride 2, 3 to 32 channels, 224x224 NCHW in, channels-last out, SiLU.</summary>
[MemoryDiagnoser]
public class StemBenchmarks : CpuKernelBenchmark
{
    private float[] _x = [], _y = [], _scratch = [];
    private int[] _offsets = [];
    private PackedWeights? _w;
    private KernelRunner? _runner;

    [GlobalSetup]
    public void Setup()
    {
        _w = new PackedWeights(Random(32 * 27, 5), new float[32], 32, 27, VectorIsa, VectorIsas.PanelVectors);
        _x = Random(3 * 224 * 224, 6);
        _y = new float[112 * 112 * VectorIsa.PadChannels(32)];
        _scratch = new float[StemConv.ScratchLength(3, 224, 2)];
        _offsets = StemConv.TapOffsets(3, 224, 2);
        _runner = Runner;
    }

    [Benchmark(Description = "stem 3x3/2 + SiLU")]
    public void Stem() => _runner!.Stem(_x, _w!, _offsets, _y, _scratch);
}

/// <summary>SiLU over a block's expanded activations: ours (polynomial exp, refined reciprocal) against the runtime's exp and a divide.</summary>
[MemoryDiagnoser]
public class SiluBenchmarks : CpuKernelBenchmark
{
    private float[] _x = [];
    private KernelRunner? _runner;

    [GlobalSetup]
    public void Setup()
    {
        _x = Random(96 * 112 * 112, 7);
        _runner = Runner;
    }

    [Benchmark(Baseline = true, Description = "x / (1 + Vector.Exp(-x))")]
    public void RuntimeExp()
    {
        switch (VectorIsa)
        {
            case VectorIsa.Vector512:
                for (int i = 0; i + 16 <= _x.Length; i += 16)
                {
                    var v = Vector512.LoadUnsafe(ref _x[i]);
                    (v / (Vector512<float>.One + Vector512.Exp(-v))).StoreUnsafe(ref _x[i]);
                }
                break;
            case VectorIsa.Vector256:
                for (int i = 0; i + 8 <= _x.Length; i += 8)
                {
                    var v = Vector256.LoadUnsafe(ref _x[i]);
                    (v / (Vector256<float>.One + Vector256.Exp(-v))).StoreUnsafe(ref _x[i]);
                }
                break;
            default:
                for (int i = 0; i + 4 <= _x.Length; i += 4)
                {
                    var v = Vector128.LoadUnsafe(ref _x[i]);
                    (v / (Vector128<float>.One + Vector128.Exp(-v))).StoreUnsafe(ref _x[i]);
                }
                break;
        }
    }

    [Benchmark(Description = "SimdMath.Silu")]
    public void Ours() => _runner!.Silu(_x);
}

/// <summary>Calls the generic kernels for one vector width.</summary>
internal abstract class KernelRunner
{
    public abstract void Pointwise(float[] x, int ldx, int pixels, PackedWeights w, float[] y, int ldy, Activation act);
    public abstract void Depthwise(float[] x, int h, int w, int stride, DepthwiseWeights weights, float[] y, float[] zeros);
    public abstract void Stem(float[] x, PackedWeights w, int[] offsets, float[] y, float[] scratch);
    public abstract void Silu(float[] x);
}

internal sealed class KernelRunner<TS, TV> : KernelRunner where TS : struct, ISimd<TV> where TV : struct
{
    public override void Pointwise(float[] x, int ldx, int pixels, PackedWeights w, float[] y, int ldy, Activation act) =>
        Gemm<TS, TV>.Run(x, ldx, default, pixels, w, 0, w.Vectors, y, ldy, act);

    public override void Depthwise(float[] x, int h, int w, int stride, DepthwiseWeights weights, float[] y, float[] zeros) =>
        DepthwiseKernel<TS, TV>.Image(x, h, w, stride, weights, Activation.Relu6, y, zeros);

    public override void Stem(float[] x, PackedWeights w, int[] offsets, float[] y, float[] scratch) =>
        StemConv.Rows<TS, TV>(x, 3, 224, 224, 2, 0, 112, w, offsets, Activation.Silu, y, scratch);

    public override void Silu(float[] x)
    {
        for (int i = 0; i + TS.Width <= x.Length; i += TS.Width)
        {
            TS.Store(SimdMath.Silu<TS, TV>(TS.Load(ref x[i])), ref x[i]);
        }
    }
}
