namespace RexNet.Model;

/// <summary>One named model: a width multiplier and a channel divisor are all that tell ReXNets apart.</summary>
public sealed record ZooEntry(string Name, double WidthMultiplier, int ChannelDivisor, string? SeedAlias, PretrainedConfig? Pretrained)
{
    /// <summary>The hub repository of timm's ImageNet-1k weights for this model, or null when timm publishes none.</summary>
    public string? HubRepository => Pretrained is null ? null : $"timm/{Name}.{Pretrained.Tag}";

    /// <summary>Why there are no pretrained weights to download, or null when there are.</summary>
    public string? NoPretrainedReason => Pretrained is null
        ? $"timm publishes no pretrained weights for {Name} (its only config is '{Name}.untrained'); train it or pass --weights FILE"
        : null;
}

/// <summary>The ReXNet family as timm registers it, with the PaddleClas names as aliases and timm's published tags.</summary>
public static class ModelZoo
{
    public static IReadOnlyList<ZooEntry> All { get; } =
    [
        new("rexnet_100", 1.0, 1, "ReXNet_1_0", PretrainedConfig.Naver),
        new("rexnet_130", 1.3, 1, "ReXNet_1_3", PretrainedConfig.Naver),
        new("rexnet_150", 1.5, 1, "ReXNet_1_5", PretrainedConfig.Naver),
        new("rexnet_200", 2.0, 1, "ReXNet_2_0", PretrainedConfig.Naver),
        new("rexnet_300", 3.0, 1, "ReXNet_3_0", PretrainedConfig.Naver),
        new("rexnetr_100", 1.0, 8, null, null),
        new("rexnetr_130", 1.3, 8, null, null),
        new("rexnetr_150", 1.5, 8, null, null),
        new("rexnetr_200", 2.0, 8, null, PretrainedConfig.ImageNet12kFineTuned),
        new("rexnetr_300", 3.0, 16, null, PretrainedConfig.ImageNet12kFineTuned),
    ];

    /// <summary>The five models of the seed's table, in its order.</summary>
    public static IReadOnlyList<ZooEntry> Seed { get; } = All.Where(e => e.SeedAlias is not null).ToArray();

    /// <summary>Every name a model may be given by: timm names and the seed's aliases.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(e => e.Name), .. Seed.Select(e => e.SeedAlias!)];

    public static bool TryGet(string name, out ZooEntry entry)
    {
        foreach (var e in All)
        {
            if (string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(e.SeedAlias, name, StringComparison.OrdinalIgnoreCase))
            {
                entry = e;
                return true;
            }
        }
        entry = null!;
        return false;
    }

    /// <summary>Looks a model up by timm name or seed alias; an unknown name lists the known ones.</summary>
    public static ZooEntry Get(string name) =>
        TryGet(name, out var entry)
            ? entry
            : throw new RexNetException(RexNetErrorCode.NotFound, UnknownModel(name));

    /// <summary>The message for a name that is not in the zoo.</summary>
    public static string UnknownModel(string name) =>
        $"unknown model '{name}'; known models: {string.Join(", ", All.Select(e => e.Name))} " +
        $"(aliases {string.Join(", ", Seed.Select(e => e.SeedAlias))})";
}
