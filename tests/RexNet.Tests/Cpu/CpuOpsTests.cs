using RexNet.Cpu;
using RexNet.Model;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cpu;

/// <summary>Every CPU op against a naive loop, on odd shapes (batch 3, 13 channels, 7x5) and ReXNet-like ones.</summary>
public class CpuOpsTests
{
    private const double Tol = 2e-6;

    public static TheoryData<string, int, int, int, int, int, int, string> ConvCases()
    {
        var data = new TheoryData<string, int, int, int, int, int, int, string>();
        foreach (string isa in IsaCases.Names)
        {
            data.Add(isa, 3, 3, 13, 7, 5, 2, "Silu");
            data.Add(isa, 3, 3, 13, 7, 5, 1, "Silu");
            data.Add(isa, 2, 5, 7, 9, 4, 1, "None");
            data.Add(isa, 1, 3, 32, 64, 48, 2, "Silu");
            data.Add(isa, 1, 3, 40, 33, 1, 2, "Relu6");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv3x3MatchesNaive(string isaName, int n, int cin, int cout, int h, int w, int stride, string activation)
    {
        var isa = IsaCases.Accelerated(isaName);
        var act = Enum.Parse<Activation>(activation);
        var x = NaiveOps.Random(n * cin * h * w, 1);
        var wt = NaiveOps.Random(cout * cin * 9, 2, 0.3f);
        var bias = NaiveOps.Random(cout, 3);
        var expected = NaiveOps.Conv3x3(x, n, cin, h, w, wt, bias, cout, 1, stride, act);
        var y = new float[expected.Length];
        CpuOps.Conv3x3(x, n, cin, h, w, wt, bias, cout, stride, act, y, isa);
        Compare.Close(y, expected, Tol, $"conv3x3 {isa}");
    }

    public static TheoryData<string, int, int, int, int, int, string> DepthwiseCases()
    {
        var data = new TheoryData<string, int, int, int, int, int, string>();
        foreach (string isa in IsaCases.Names)
        {
            data.Add(isa, 3, 13, 7, 5, 1, "None");
            data.Add(isa, 3, 13, 7, 5, 2, "Relu6");
            data.Add(isa, 2, 6, 1, 1, 1, "Relu6");
            data.Add(isa, 2, 6, 1, 1, 2, "None");
            data.Add(isa, 1, 5, 2, 2, 2, "Silu");
            data.Add(isa, 1, 17, 40, 37, 2, "None");
            data.Add(isa, 1, 5, 33, 70, 1, "Relu6");
            data.Add(isa, 2, 4, 14, 14, 1, "None");
            data.Add(isa, 1, 40, 56, 56, 2, "Relu6");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DepthwiseCases))]
    public void DepthwiseMatchesNaive(string isaName, int n, int c, int h, int w, int stride, string activation)
    {
        var isa = IsaCases.Accelerated(isaName);
        var act = Enum.Parse<Activation>(activation);
        var x = NaiveOps.Random(n * c * h * w, 4, 4f);
        var wt = NaiveOps.Random(c * 9, 5);
        var bias = NaiveOps.Random(c, 6);
        var expected = NaiveOps.Conv3x3(x, n, c, h, w, wt, bias, c, c, stride, act);
        var y = new float[expected.Length];
        CpuOps.Depthwise3x3(x, n, c, h, w, wt, bias, stride, act, y, isa);
        Compare.Close(y, expected, Tol, $"depthwise {isa}");
    }

    public static TheoryData<string, int, int, int, int, int, string, int> PointwiseCases()
    {
        var data = new TheoryData<string, int, int, int, int, int, string, int>();
        foreach (string isa in IsaCases.Names)
        {
            // Panels of 4 vectors pick the 32-register tiles, panels of 3 the 16-register ones.
            foreach (int panel in new[] { 4, 3 })
            {
                data.Add(isa, panel, 3, 13, 35, 11, "Silu", 0);
                data.Add(isa, panel, 3, 13, 35, 17, "None", 13);
                data.Add(isa, panel, 1, 27, 3136, 38, "None", 27);
                data.Add(isa, panel, 2, 16, 300, 96, "Silu", 0);
                data.Add(isa, panel, 1, 185, 49, 1280, "Silu", 0);
                data.Add(isa, panel, 2, 7, 1, 5, "Relu6", 0);
                data.Add(isa, panel, 1, 40, 23, 130, "None", 40);
                data.Add(isa, panel, 1, 9, 17, 70, "Relu6", 0);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PointwiseCases))]
    public void PointwiseMatchesNaive(string isaName, int panelVectors, int n, int cin, int hw, int cout, string activation, int residualChannels)
    {
        var isa = IsaCases.Accelerated(isaName);
        var act = Enum.Parse<Activation>(activation);
        var x = NaiveOps.Random(n * cin * hw, 7);
        var wt = NaiveOps.Random(cout * cin, 8, 0.5f);
        var bias = NaiveOps.Random(cout, 9);
        var residual = residualChannels > 0 ? NaiveOps.Random(n * residualChannels * hw, 10) : null;
        var expected = NaiveOps.Pointwise(x, n, cin, hw, wt, bias, cout, act, residual, residualChannels);
        var y = new float[expected.Length];
        CpuOps.Pointwise(x, n, cin, hw, wt, bias, cout, act, residual, residualChannels, y, isa, panelVectors);
        Compare.Close(y, expected, 1e-5, $"pointwise {isa}, panels of {panelVectors}");
    }

    [Fact]
    public void ChannelMeanMatchesNaive()
    {
        var x = NaiveOps.Random(3 * 13 * 35, 11);
        var y = new float[3 * 13];
        CpuOps.ChannelMean(x, 3, 13, 35, y);
        Compare.Close(y, NaiveOps.Mean(x, 39, 35), Tol, "mean");
    }

    [Fact]
    public void SeExciteMatchesNaive()
    {
        int n = 3, c = 13, rd = 5;
        var p = NaiveOps.Random(n * c, 12);
        var w1 = NaiveOps.Random(rd * c, 13);
        var b1 = NaiveOps.Random(rd, 14);
        var w2 = NaiveOps.Random(c * rd, 15);
        var b2 = NaiveOps.Random(c, 16);
        var gate = new float[n * c];
        CpuOps.SeExcite(p, n, c, rd, w1, b1, w2, b2, gate, new float[rd]);
        Compare.Close(gate, NaiveOps.SeExcite(p, n, c, rd, w1, b1, w2, b2), Tol, "se excite");
    }

    [Fact]
    public void ScaleRelu6MatchesNaive()
    {
        int n = 3, c = 13, hw = 35;
        var x = NaiveOps.Random(n * c * hw, 17, 10f);
        var g = NaiveOps.Random(n * c, 18);
        var y = new float[x.Length];
        CpuOps.ScaleRelu6(x, g, n, c, hw, y);
        var expected = x.Select((v, i) => Math.Clamp(v * g[i / hw], 0f, 6f)).ToArray();
        Compare.Close(y, expected, 0, "scale relu6");
    }

    [Fact]
    public void LinearMatchesNaive()
    {
        var x = NaiveOps.Random(3 * 37, 19);
        var w = NaiveOps.Random(11 * 37, 20);
        var b = NaiveOps.Random(11, 21);
        var y = new float[3 * 11];
        CpuOps.Linear(x, 3, 37, w, b, 11, y);
        Compare.Close(y, NaiveOps.Linear(x, 3, 37, w, b, 11), Tol, "linear");
    }

    [Theory]
    [InlineData("Silu")]
    [InlineData("Relu6")]
    [InlineData("None")]
    public void BiasActivationMatchesNaive(string activation)
    {
        var act = Enum.Parse<Activation>(activation);
        int n = 3, c = 13, hw = 35;
        var x = NaiveOps.Random(n * c * hw, 22, 8f);
        var bias = NaiveOps.Random(c, 23);
        var expected = x.Select((v, i) => (float)NaiveOps.Act(v + (double)bias[i / hw % c], act)).ToArray();
        CpuOps.BiasActivation(x, n, c, hw, bias, act);
        Compare.Close(x, expected, Tol, "bias+act");
    }

    [Fact]
    public void PartialResidualAddTouchesOnlyTheFirstChannels()
    {
        int n = 3, cOut = 13, cRes = 7, hw = 35;
        var y = NaiveOps.Random(n * cOut * hw, 24);
        var r = NaiveOps.Random(n * cRes * hw, 25);
        var expected = y.Select((v, i) =>
        {
            int b = i / (cOut * hw), ch = i / hw % cOut, p = i % hw;
            return ch < cRes ? v + r[(b * cRes + ch) * hw + p] : v;
        }).ToArray();
        CpuOps.PartialResidualAdd(y, r, n, cOut, cRes, hw);
        Compare.Close(y, expected, 0, "residual");
    }
}
