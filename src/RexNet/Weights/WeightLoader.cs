using RexNet.Model;

namespace RexNet.Weights;

/// <summary>Reads a timm-layout .safetensors file, validates it against the model and folds BatchNorm.</summary>
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
        try
        {
            return BatchNormFolding.Fold(spec, stateDict);
        }
        catch (WeightMismatchException e)
        {
            throw new WeightMismatchException($"{path}: {e.Message}{ModelIdentification.Claim(file)}");
        }
    }
}
