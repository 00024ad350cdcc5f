namespace RexNet.Cli.Reports;

/// <summary>One row of `rexnet zoo`.</summary>
internal sealed record ZooModel(
    string Name,
    string? Alias,
    double WidthMult,
    int ChDiv,
    int StemChannels,
    int PenultimateChannels,
    long ParamsWithBnStats,
    long ParamsTrainable,
    [property: System.Text.Json.Serialization.JsonPropertyName("flops_224")] long Flops224,
    string? Hub,
    string? PretrainedTag,
    int? EvalSize,
    double? EvalCropPct,
    string? License,
    string? NoPretrained);
