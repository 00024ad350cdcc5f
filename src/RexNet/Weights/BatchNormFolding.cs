using RexNet.Model;

namespace RexNet.Weights;

/// <summary>
/// Folds each BatchNorm (eval mode, eps 1e-5) into the conv or SE fc before it:
/// scale = gamma / sqrt(var + eps); W' = W * scale (per output channel); b' = (b - mean) * scale + beta.
/// Folding is done in double so that it adds no rounding beyond the final float32 store.
/// </summary>
internal static class BatchNormFolding
{
    public const double Epsilon = 1e-5;

    public static FoldedModel Fold(ModelSpec spec, IReadOnlyDictionary<string, TensorData> stateDict)
    {
        StateDictValidation.Validate(spec, stateDict);

        ConvWeights Conv(string prefix, int outCh, int inPerGroup, int k) =>
            FoldConv(stateDict, new TimmConvLayer(prefix, outCh, inPerGroup, k));

        var stem = Conv("stem", spec.StemChannels, ModelSpec.InputChannels, 3);
        var blocks = new List<BlockWeights>(spec.Blocks.Count);
        foreach (var b in spec.Blocks)
        {
            var expand = b.HasExpand ? Conv($"{b.Prefix}.conv_exp", b.DwChannels, b.InChannels, 1) : null;
            var dw = Conv($"{b.Prefix}.conv_dw", b.DwChannels, 1, 3);
            var se = b.HasSe ? FoldSe(stateDict, $"{b.Prefix}.se", b.DwChannels, b.SeChannels) : null;
            var pwl = Conv($"{b.Prefix}.conv_pwl", b.OutChannels, b.DwChannels, 1);
            blocks.Add(new BlockWeights(b, expand, dw, se, pwl));
        }
        var pen = Conv(spec.PenultimatePrefix, spec.PenultimateChannels, spec.Blocks[^1].OutChannels, 1);
        return new FoldedModel(spec, stem, blocks, pen,
            stateDict[TimmLayout.HeadWeightKey].Data.ToArray(), stateDict[TimmLayout.HeadBiasKey].Data.ToArray());
    }

    private static ConvWeights FoldConv(IReadOnlyDictionary<string, TensorData> sd, TimmConvLayer layer)
    {
        var (weight, bias) = FoldInto(sd, layer.BnPrefix, sd[layer.WeightKey].Data, null, layer.OutChannels);
        return new ConvWeights(layer.OutChannels, layer.InChannelsPerGroup, layer.Kernel, weight, bias);
    }

    private static SeWeights FoldSe(IReadOnlyDictionary<string, TensorData> sd, string prefix, int channels, int reduced)
    {
        var (w1, b1) = FoldInto(sd, $"{prefix}.bn", sd[$"{prefix}.fc1.weight"].Data, sd[$"{prefix}.fc1.bias"].Data, reduced);
        return new SeWeights(channels, reduced, w1, b1,
            sd[$"{prefix}.fc2.weight"].Data.ToArray(), sd[$"{prefix}.fc2.bias"].Data.ToArray());
    }

    private static (float[] Weight, float[] Bias) FoldInto(
        IReadOnlyDictionary<string, TensorData> sd, string bnPrefix, float[] weight, float[]? bias, int outChannels)
    {
        float[] gamma = sd[$"{bnPrefix}.weight"].Data, beta = sd[$"{bnPrefix}.bias"].Data;
        float[] mean = sd[$"{bnPrefix}.running_mean"].Data, variance = sd[$"{bnPrefix}.running_var"].Data;
        int perOut = weight.Length / outChannels;
        var w = new float[weight.Length];
        var b = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            // Untrusted files may hold a negative or NaN variance, which would turn every output into NaN.
            if (!(variance[o] + Epsilon > 0))
            {
                throw new WeightMismatchException(
                    $"tensor '{bnPrefix}.running_var' holds {variance[o]} at channel {o}; a variance must be non-negative");
            }
            double scale = gamma[o] / Math.Sqrt(variance[o] + Epsilon);
            for (int i = 0; i < perOut; i++)
            {
                w[o * perOut + i] = (float)(weight[o * perOut + i] * scale);
            }
            double b0 = bias is null ? 0.0 : bias[o];
            b[o] = (float)((b0 - mean[o]) * scale + beta[o]);
        }
        return (w, b);
    }
}
