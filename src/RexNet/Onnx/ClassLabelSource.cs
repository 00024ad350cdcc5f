namespace RexNet.Onnx;

/// <summary>
/// The labels an export embeds when the caller gives none. This is the one place to point at the
/// project's ImageNet label list once weights/ ships it: return that list here and every export
/// (CLI and API) stores it. Until then exports record the class count and say that labels are absent.
/// </summary>
public static class ClassLabelSource
{
    public static IReadOnlyList<string>? DefaultLabels(int numClasses) => null;
}
