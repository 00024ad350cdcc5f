using RexNet.Model;

namespace RexNet.Weights;

/// <summary>Reads a timm-layout .safetensors file, validates it against the model and folds BatchNorm.</summary>
public static class WeightLoader
{
    public static FoldedModel Load(ModelSpec spec, string path)
    {
        using var file = SafeTensorsFile.Open(path);
        var stateDict = file.ReadAllFloat32();
        try
        {
            return BatchNormFolding.Fold(spec, stateDict);
        }
        catch (WeightMismatchException e)
        {
            throw new WeightMismatchException($"{path}: {e.Message}");
        }
    }
}
