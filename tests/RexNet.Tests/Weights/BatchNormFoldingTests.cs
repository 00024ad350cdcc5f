using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Weights;

/// <summary>
/// Folded weights against the definition: conv (or SE fc1), then eval-mode BatchNorm with eps 1e-5,
/// computed naively in double from the unfolded tensors.
/// </summary>
public class BatchNormFoldingTests
{
    private const double Tolerance = 1e-5;
    private static readonly ModelSpec Spec = ModelSpec.FromZoo("rexnet_100");

    /// <summary>Random weights with BatchNorm statistics pushed to where a wrong eps or a wrong axis shows.</summary>
    private static Dictionary<string, TensorData> StateDict()
    {
        var sd = RandomInit.Create(Spec, seed: 11).ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var t in sd.Values.Where(t => t.Name.EndsWith(".running_var", StringComparison.Ordinal)))
        {
            t.Data[0] = 0f;       // scale = gamma / sqrt(eps): eps alone decides the result
            t.Data[1] = 1e-4f;    // eps is 10% of the variance here
        }
        foreach (var t in sd.Values.Where(t => t.Name.EndsWith(".running_mean", StringComparison.Ordinal)))
        {
            t.Data[^1] = 3f;
        }
        return sd;
    }

    private static float[] RandomArray(int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Eval-mode BatchNorm over channel axis 1 of [n, c, spatial].</summary>
    private static double[] BatchNorm(double[] x, int channels, int spatial, Dictionary<string, TensorData> sd, string prefix)
    {
        float[] gamma = sd[$"{prefix}.weight"].Data, beta = sd[$"{prefix}.bias"].Data;
        float[] mean = sd[$"{prefix}.running_mean"].Data, variance = sd[$"{prefix}.running_var"].Data;
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / spatial % channels;
            y[i] = (x[i] - mean[c]) / Math.Sqrt(variance[c] + 1e-5) * gamma[c] + beta[c];
        }
        return y;
    }

    private static float[] ToFloat(double[] x) => x.Select(v => (float)v).ToArray();

    [Theory]
    [InlineData("stem", 2)]
    [InlineData("features.1.conv_exp", 1)]
    [InlineData("features.1.conv_dw", 2)]
    [InlineData("features.4.conv_pwl", 1)]
    [InlineData("features.16", 1)]
    public void FoldedConvEqualsConvThenBatchNorm(string prefix, int stride)
    {
        var sd = StateDict();
        var folded = BatchNormFolding.Fold(Spec, sd);
        var layer = TimmLayout.ConvLayers(Spec).Single(l => l.Prefix == prefix);
        ConvWeights weights = FoldedConvOf(folded, prefix);
        Assert.Equal(layer.WeightShape, new[] { weights.OutChannels, weights.InChannelsPerGroup, weights.Kernel, weights.Kernel });

        int groups = prefix.EndsWith(".conv_dw", StringComparison.Ordinal) ? layer.OutChannels : 1;
        int inChannels = layer.InChannelsPerGroup * groups;
        const int batch = 2, height = 7, width = 5;
        var input = RandomArray(batch * inChannels * height * width, seed: 3);
        var conv = new NaiveConv(batch, inChannels, height, width, layer.OutChannels, layer.Kernel, stride, groups);

        var reference = BatchNorm(conv.Run(input, sd[layer.WeightKey].Data, null), layer.OutChannels, conv.OutSpatial, sd, layer.BnPrefix);
        var actual = conv.Run(input, weights.Weight, weights.Bias);
        Compare.Close(ToFloat(actual), ToFloat(reference), Tolerance, prefix);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(15)]
    public void FoldedSeFc1EqualsFc1ThenBatchNorm(int blockIndex)
    {
        var sd = StateDict();
        var folded = BatchNormFolding.Fold(Spec, sd);
        var block = Spec.Blocks[blockIndex];
        SeWeights se = folded.Blocks[blockIndex].Se!;
        Assert.Equal((block.DwChannels, block.SeChannels), (se.Channels, se.Reduced));

        const int batch = 3;
        var pooled = RandomArray(batch * se.Channels, seed: 4);
        var fc1 = new NaiveConv(batch, se.Channels, 1, 1, se.Reduced, kernel: 1, stride: 1, groups: 1);
        string prefix = $"{block.Prefix}.se";
        var reference = BatchNorm(fc1.Run(pooled, sd[$"{prefix}.fc1.weight"].Data, sd[$"{prefix}.fc1.bias"].Data), se.Reduced, 1, sd, $"{prefix}.bn");
        var actual = fc1.Run(pooled, se.Fc1Weight, se.Fc1Bias);
        Compare.Close(ToFloat(actual), ToFloat(reference), Tolerance, prefix);
        Assert.Equal(sd[$"{prefix}.fc2.weight"].Data, se.Fc2Weight);
        Assert.Equal(sd[$"{prefix}.fc2.bias"].Data, se.Fc2Bias);
    }

    [Fact]
    public void ZeroVarianceChannelUsesEpsilon()
    {
        var sd = StateDict();
        var folded = BatchNormFolding.Fold(Spec, sd);
        // Channel 0 of the stem has variance 0: its weights are scaled by gamma / sqrt(1e-5) exactly.
        double scale = sd["stem.bn.weight"].Data[0] / Math.Sqrt(1e-5);
        var raw = sd["stem.conv.weight"].Data;
        for (int i = 0; i < 27; i++)
        {
            Assert.Equal((float)(raw[i] * scale), folded.Stem.Weight[i]);
        }
        Assert.Equal((float)(-sd["stem.bn.running_mean"].Data[0] * scale + sd["stem.bn.bias"].Data[0]), folded.Stem.Bias[0]);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void NegativeOrNaNVarianceIsRejected(float variance)
    {
        var sd = StateDict();
        sd["features.7.se.bn.running_var"].Data[2] = variance;
        var e = Assert.Throws<WeightMismatchException>(() => BatchNormFolding.Fold(Spec, sd));
        Assert.Contains("tensor 'features.7.se.bn.running_var'", e.Message);
        Assert.Contains("at channel 2", e.Message);
    }

    private static ConvWeights FoldedConvOf(FoldedModel model, string prefix)
    {
        if (prefix == "stem")
        {
            return model.Stem;
        }
        if (prefix == Spec.PenultimatePrefix)
        {
            return model.Penultimate;
        }
        var block = model.Blocks.Single(b => prefix.StartsWith(b.Spec.Prefix + ".", StringComparison.Ordinal));
        return prefix[(block.Spec.Prefix.Length + 1)..] switch
        {
            "conv_exp" => block.Expand!,
            "conv_dw" => block.Depthwise,
            "conv_pwl" => block.Project,
            _ => throw new ArgumentException(prefix),
        };
    }

    /// <summary>Direct convolution in double, NCHW, square kernel, padding k/2 (timm's symmetric padding for odd kernels).</summary>
    private sealed class NaiveConv(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int groups)
    {
        private readonly int _outH = (height + 2 * (kernel / 2) - kernel) / stride + 1;
        private readonly int _outW = (width + 2 * (kernel / 2) - kernel) / stride + 1;

        public int OutSpatial => _outH * _outW;

        public double[] Run(float[] x, float[] weight, float[]? bias)
        {
            int pad = kernel / 2, inPerGroup = inChannels / groups, outPerGroup = outChannels / groups;
            var y = new double[batch * outChannels * OutSpatial];
            for (int n = 0; n < batch; n++)
            for (int o = 0; o < outChannels; o++)
            for (int oy = 0; oy < _outH; oy++)
            for (int ox = 0; ox < _outW; ox++)
            {
                double sum = bias?[o] ?? 0.0;
                int g = o / outPerGroup;
                for (int i = 0; i < inPerGroup; i++)
                for (int ky = 0; ky < kernel; ky++)
                for (int kx = 0; kx < kernel; kx++)
                {
                    int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                    if (iy < 0 || iy >= height || ix < 0 || ix >= width)
                    {
                        continue;
                    }
                    int c = g * inPerGroup + i;
                    sum += (double)x[((n * inChannels + c) * height + iy) * width + ix] * weight[((o * inPerGroup + i) * kernel + ky) * kernel + kx];
                }
                y[((n * outChannels + o) * _outH + oy) * _outW + ox] = sum;
            }
            return y;
        }
    }
}
