using System.Reflection;

namespace RexNet.Imaging;

/// <summary>
/// The 1000 ImageNet-1k classes in the standard order (sorted WordNet ids, the order torchvision's ImageFolder
/// gives the training tree and every timm/PaddleClas ImageNet head uses). Loaded from embedded resources.
/// </summary>
internal static class ImageNetClasses
{
    public const int Count = 1000;

    private static readonly Lazy<(string[] Synsets, string[] Labels, Dictionary<string, int> Index)> Data = new(Load);

    /// <summary>WordNet ids, e.g. n02123045.</summary>
    public static IReadOnlyList<string> Synsets => Data.Value.Synsets;

    /// <summary>Human-readable names, e.g. "tabby, tabby cat".</summary>
    public static IReadOnlyList<string> Labels => Data.Value.Labels;

    public static bool TryGetIndex(string synset, out int index) => Data.Value.Index.TryGetValue(synset, out index);

    private static (string[], string[], Dictionary<string, int>) Load()
    {
        string[] synsets = ReadLines("RexNet.imagenet_synsets.txt");
        string[] labels = ReadLines("RexNet.imagenet_labels.txt");
        if (synsets.Length != Count || labels.Length != Count)
        {
            throw new InvalidOperationException(
                $"embedded class lists hold {synsets.Length} synsets and {labels.Length} labels; {Count} of each are expected");
        }
        var index = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (int i = 0; i < synsets.Length; i++)
        {
            index.Add(synsets[i], i);
        }
        return (synsets, labels, index);
    }

    private static string[] ReadLines(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing from this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
