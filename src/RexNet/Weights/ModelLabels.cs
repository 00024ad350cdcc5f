using System.Globalization;
using RexNet.Imaging;

namespace RexNet.Weights;

/// <summary>
/// The class names of a model: those its weights declare (rexnet.labels), else ImageNet-1k's for a 1000-row head
/// (timm's pretrained heads), else class_0 .. class_{K-1}.
/// </summary>
internal static class ModelLabels
{
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string>? declared, int numClasses) =>
        declared ?? ImageNetDefault(numClasses) ?? Enumerable.Range(0, numClasses).Select(i => string.Create(CultureInfo.InvariantCulture, $"class_{i}")).ToArray();

    /// <summary>Whether <see cref="Resolve"/> gives real names (declared, or ImageNet-1k's) rather than class_N placeholders.</summary>
    public static bool AreNamed(IReadOnlyList<string>? declared, int numClasses) => declared is not null || ImageNetDefault(numClasses) is not null;

    /// <summary>ImageNet-1k's names for a head of 1000 classes whose weights name none; otherwise null.</summary>
    public static IReadOnlyList<string>? ImageNetDefault(int numClasses) => numClasses == ImageNetClasses.Count ? ImageNetClasses.Labels : null;

    /// <summary>Whether these are ImageNet-1k's classes in ImageNet's order, so that WordNet ids apply.</summary>
    public static bool AreImageNet(IReadOnlyList<string> labels) =>
        ReferenceEquals(labels, ImageNetClasses.Labels) || (labels.Count == ImageNetClasses.Count && labels.SequenceEqual(ImageNetClasses.Labels, StringComparer.Ordinal));
}
