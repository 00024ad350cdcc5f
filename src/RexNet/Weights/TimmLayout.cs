using RexNet.Model;

namespace RexNet.Weights;

/// <summary>Which BatchNorm-bearing layer a conv is, for naming and folding.</summary>
internal sealed record TimmConvLayer(string Prefix, int OutChannels, int InChannelsPerGroup, int Kernel)
{
    public string WeightKey => $"{Prefix}.conv.weight";
    public string BnPrefix => $"{Prefix}.bn";
    public int[] WeightShape => [OutChannels, InChannelsPerGroup, Kernel, Kernel];
}

/// <summary>
/// The tensor names and shapes of timm's ReXNet state_dict, derived from a <see cref="ModelSpec"/>.
/// Used to validate weight files, to write random-init files and to fold BatchNorm.
/// </summary>
internal static class TimmLayout
{
    public static readonly string[] BnParts = ["weight", "bias", "running_mean", "running_var"];

    /// <summary>The classifier: [classes, penultimate channels] and [classes].</summary>
    public const string HeadWeightKey = "head.fc.weight";
    public const string HeadBiasKey = "head.fc.bias";

    /// <summary>Every ConvNormAct layer of the model in forward order (stem, blocks, final conv).</summary>
    public static IEnumerable<TimmConvLayer> ConvLayers(ModelSpec spec)
    {
        yield return new TimmConvLayer("stem", spec.StemChannels, ModelSpec.InputChannels, 3);
        foreach (var b in spec.Blocks)
        {
            if (b.HasExpand)
            {
                yield return new TimmConvLayer($"{b.Prefix}.conv_exp", b.DwChannels, b.InChannels, 1);
            }
            yield return new TimmConvLayer($"{b.Prefix}.conv_dw", b.DwChannels, 1, 3);
            yield return new TimmConvLayer($"{b.Prefix}.conv_pwl", b.OutChannels, b.DwChannels, 1);
        }
        yield return new TimmConvLayer(spec.PenultimatePrefix, spec.PenultimateChannels, spec.Blocks[^1].OutChannels, 1);
    }

    /// <summary>Every float tensor timm's state_dict holds, with its shape (num_batches_tracked excluded).</summary>
    public static IReadOnlyList<(string Key, int[] Shape)> ExpectedTensors(ModelSpec spec)
    {
        var list = new List<(string, int[])>();
        foreach (var conv in ConvLayers(spec))
        {
            list.Add((conv.WeightKey, conv.WeightShape));
            foreach (var part in BnParts)
            {
                list.Add(($"{conv.BnPrefix}.{part}", [conv.OutChannels]));
            }
        }
        foreach (var b in spec.Blocks.Where(b => b.HasSe))
        {
            string se = $"{b.Prefix}.se";
            list.Add(($"{se}.fc1.weight", [b.SeChannels, b.DwChannels, 1, 1]));
            list.Add(($"{se}.fc1.bias", [b.SeChannels]));
            foreach (var part in BnParts)
            {
                list.Add(($"{se}.bn.{part}", [b.SeChannels]));
            }
            list.Add(($"{se}.fc2.weight", [b.DwChannels, b.SeChannels, 1, 1]));
            list.Add(($"{se}.fc2.bias", [b.DwChannels]));
        }
        list.Add((HeadWeightKey, [spec.NumClasses, spec.PenultimateChannels]));
        list.Add((HeadBiasKey, [spec.NumClasses]));
        return list;
    }

    /// <summary>BatchNorm's num_batches_tracked counters, which timm stores as I64 scalars and we ignore.</summary>
    public static bool IsBatchCounter(string key) => key.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
}
