using RexNet.Imaging;

namespace RexNet.Onnx;

/// <summary>The labels an export embeds when the caller gives none: the shipped ImageNet-1k names for 1000-class models.</summary>
internal static class ClassLabelSource
{
    public static IReadOnlyList<string>? DefaultLabels(int numClasses) =>
        numClasses == ImageNetClasses.Labels.Count ? ImageNetClasses.Labels : null;
}
