using RexNet.IO;

namespace RexNet.Weights;

/// <summary>The class labels in safetensors __metadata__ (string values only, as the format requires); the model name
/// is <see cref="ModelIdentification.MetadataKey"/>.</summary>
internal static class WeightsMetadata
{
    /// <summary>The class names in class-index order, as a JSON array of strings.</summary>
    public const string Labels = "rexnet.labels";

    public static string LabelsJson(IReadOnlyList<string> labels) => JsonStrings.Array(labels);

    /// <summary>The labels a file declares, checked against its head; null when it declares none.</summary>
    public static IReadOnlyList<string>? ReadLabels(string path, IReadOnlyDictionary<string, string> metadata, int numClasses)
    {
        if (!metadata.TryGetValue(Labels, out var json))
        {
            return null;
        }
        string[]? labels = JsonStrings.TryParseArray(json);
        if (labels is null)
        {
            throw new InvalidInputFileException(path, $"__metadata__ '{Labels}' is not a JSON array of strings");
        }
        if (labels.Length != numClasses)
        {
            throw new InvalidInputFileException(path, $"__metadata__ '{Labels}' names {labels.Length} classes but head.fc has {numClasses}");
        }
        int blank = Array.FindIndex(labels, string.IsNullOrWhiteSpace);
        if (blank >= 0)
        {
            throw new InvalidInputFileException(path, $"__metadata__ '{Labels}' has a blank label for class {blank}");
        }
        return labels;
    }
}
