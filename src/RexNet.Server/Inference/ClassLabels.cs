using RexNet.Imaging;

namespace RexNet.Server.Inference;

/// <summary>
/// The one place the server learns class labels, so that labels stored with fine-tuned weights replace this
/// in one line. Today the public API knows only ImageNet-1k's labels (through <see cref="TopK.Predictions"/>),
/// so a 1000-class head is labelled with them and any other head gets none ("value:index" classifications).
/// </summary>
internal static class ClassLabels
{
    private const int ImageNetClasses = 1000;

    private static readonly Lazy<string[]> ImageNet = new(() =>
    {
        // Every class of a flat logit vector, once: the predictions carry each index's label.
        var labels = new string[ImageNetClasses];
        foreach (var p in TopK.Predictions(new float[ImageNetClasses], ImageNetClasses))
        {
            labels[p.ClassIndex] = p.Label;
        }
        return labels;
    });

    public static IReadOnlyList<string>? For(RexNetEngine engine) =>
        engine.NumClasses == ImageNetClasses ? ImageNet.Value : null;
}
