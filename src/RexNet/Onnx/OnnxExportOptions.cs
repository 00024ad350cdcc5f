using RexNet.Model;

namespace RexNet.Onnx;

/// <summary>How to export: opset, fixed or symbolic input sizes, and the class labels to embed.</summary>
public sealed record OnnxExportOptions
{
    public int Opset { get; init; } = OnnxOpsets.Default;

    /// <summary>Batch, height and width become the symbols batch/height/width instead of fixed sizes.</summary>
    public bool Dynamic { get; init; }

    /// <summary>Fixed sizes written into the graph when <see cref="Dynamic"/> is off.</summary>
    public int Batch { get; init; } = 1;
    public int Height { get; init; } = 224;
    public int Width { get; init; } = 224;

    /// <summary>The preprocessing written into the model's metadata for consumers to apply; null: the eval settings of
    /// timm's pretrained config for the model (<see cref="PretrainedConfig"/>), else timm's 224x224 with crop 0.875.</summary>
    public Imaging.PreprocessOptions? Preprocess { get; init; }

    /// <summary>One label per class, stored in the model's metadata; null stores only the class count.</summary>
    public IReadOnlyList<string>? ClassLabels { get; init; }

    /// <summary>What <see cref="Preprocess"/> means for <paramref name="spec"/>.</summary>
    internal Imaging.PreprocessOptions PreprocessFor(ModelSpec spec) =>
        Preprocess ?? (ModelZoo.TryGet(spec.Name, out var entry) && entry.Pretrained is { } p
            ? new Imaging.PreprocessOptions { Size = p.EvalSize, CropPct = p.EvalCropPct }
            : Imaging.PreprocessOptions.Default);

    public void Validate(int numClasses)
    {
        OnnxOpsets.Validate(Opset);
        if (!Dynamic)
        {
            if (Batch < 1)
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument, $"batch must be at least 1, got {Batch}");
            }
            ModelSpec.ValidateInputSize(Height, Width);
        }
        if (ClassLabels is not null && ClassLabels.Count != numClasses)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{ClassLabels.Count} class labels were given but the model has {numClasses} classes");
        }
        Preprocess?.Validate();
    }
}
