using RexNet.Model;

namespace RexNet.Weights;

/// <summary>
/// Reads a timm-layout .safetensors file, validates it against the model and folds BatchNorm. The number of classes
/// is the file's: head.fc.weight's rows (1000 for timm's ImageNet heads, any number for a fine-tuned one); the
/// class names come from its rexnet.labels metadata when it has them.
/// </summary>
public static class WeightLoader
{
    public static FoldedModel Load(ModelSpec spec, string path) => Load(path, file => spec);

    /// <summary>Loads the model named by <paramref name="model"/>, or, when it is null, the model the file holds
    /// (its <c>rexnet.model</c> metadata, else its tensor shapes).</summary>
    public static FoldedModel Load(string path, string? model = null) => Load(path, file => ModelIdentification.Identify(file, model));

    private static FoldedModel Load(string path, Func<SafeTensorsFile, ModelSpec> specOf)
    {
        using var file = SafeTensorsFile.Open(path);
        var spec = specOf(file);
        var stateDict = file.ReadAllFloat32();
        spec = WithHeadOf(spec, stateDict);
        try
        {
            return BatchNormFolding.Fold(spec, stateDict) with { Labels = WeightsMetadata.ReadLabels(path, file.Metadata, spec.NumClasses) };
        }
        catch (WeightMismatchException e)
        {
            throw new WeightMismatchException($"{path}: {e.Message}{ModelIdentification.Claim(file)}");
        }
    }

    /// <summary>The spec with as many classes as the state_dict's head has rows; unchanged when the head is missing or
    /// not a [classes, penultimate] matrix, which validation then reports.</summary>
    internal static ModelSpec WithHeadOf(ModelSpec spec, IReadOnlyDictionary<string, TensorData> stateDict) =>
        stateDict.TryGetValue(TimmLayout.HeadWeightKey, out var head) && head.Shape is [> 0 and var rows, var columns] && columns == spec.PenultimateChannels
            ? spec with { NumClasses = rows }
            : spec;
}
