using RexNet.Imaging;

namespace RexNet.Server.Inference;

/// <summary>What the protocol says about the one model this server hosts: its names, tensors and labels.</summary>
internal sealed record ServedModel
{
    public const string Version = "1";
    public const string Platform = "rexnet";
    public const string InputTensor = "input";
    public const string ImageTensor = "image";
    public const string OutputTensor = "logits";

    /// <summary>The protocol name clients put in URLs and requests.</summary>
    public required string Name { get; init; }

    /// <summary>The zoo model id (rexnet_100, ...).</summary>
    public required string ModelId { get; init; }

    public required int Height { get; init; }
    public required int Width { get; init; }
    public required int NumClasses { get; init; }

    /// <summary>Class labels by index (the weights' rexnet.labels, or ImageNet-1k's for a 1000-class head), or null when
    /// the weights name no classes.</summary>
    public required IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The eval transform for encoded images: timm's, at the engine's input size, with the model's eval crop.</summary>
    public required PreprocessOptions Preprocess { get; init; }

    public required DeviceKind Device { get; init; }
    public required string DeviceReason { get; init; }
    public required int MaxBatch { get; init; }

    public int ImageElements => 3 * Height * Width;

    public static ServedModel Describe(string name, string modelId, RexNetEngine engine)
    {
        return new ServedModel
        {
            Name = name, ModelId = modelId, Height = engine.Height, Width = engine.Width, NumClasses = engine.NumClasses,
            Labels = engine.HasClassNames ? engine.ClassLabels : null, Preprocess = ClassifyExtensions.OptionsFor(engine, null), Device = engine.Device, DeviceReason = engine.DeviceReason,
            MaxBatch = engine.MaxBatch,
        };
    }

    /// <summary>True when a request's model name and (optional) version address this model.</summary>
    public bool Matches(string name, string? version) =>
        string.Equals(name, Name, StringComparison.Ordinal) && (string.IsNullOrEmpty(version) || version == Version);
}
