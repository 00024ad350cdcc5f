namespace RexNet.Model;

/// <summary>One named model: a width multiplier and a channel divisor are all that tell ReXNets apart.</summary>
public sealed record ZooEntry(string Name, double WidthMultiplier, int ChannelDivisor, string? SeedAlias)
{
    /// <summary>The timm/Hugging Face hub repository that holds pretrained weights for this entry.</summary>
    public string HubRepository => $"timm/{Name}.nav_in1k";
}

/// <summary>The ReXNet family as timm registers it, with the PaddleClas names as aliases.</summary>
public static class ModelZoo
{
    public static IReadOnlyList<ZooEntry> All { get; } =
    [
        new("rexnet_100", 1.0, 1, "ReXNet_1_0"),
        new("rexnet_130", 1.3, 1, "ReXNet_1_3"),
        new("rexnet_150", 1.5, 1, "ReXNet_1_5"),
        new("rexnet_200", 2.0, 1, "ReXNet_2_0"),
        new("rexnet_300", 3.0, 1, "ReXNet_3_0"),
        new("rexnetr_100", 1.0, 8, null),
        new("rexnetr_130", 1.3, 8, null),
        new("rexnetr_150", 1.5, 8, null),
        new("rexnetr_200", 2.0, 8, null),
        new("rexnetr_300", 3.0, 16, null),
    ];

    /// <summary>The five models of the seed's table, in its order.</summary>
    public static IReadOnlyList<ZooEntry> Seed { get; } = All.Where(e => e.SeedAlias is not null).ToArray();

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
            : throw new RexNetException(RexNetErrorCode.NotFound,
                $"unknown model '{name}'; known models: {string.Join(", ", All.Select(e => e.Name))} " +
                $"(aliases {string.Join(", ", Seed.Select(e => e.SeedAlias))})");
}
