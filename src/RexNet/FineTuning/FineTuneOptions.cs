using RexNet.Imaging;

namespace RexNet.FineTuning;

/// <summary>Extra training samples made from each training image.</summary>
public enum Augmentation
{
    None,

    /// <summary>Each training image also counts mirrored left to right (its features are extracted twice).</summary>
    Flip,
}

/// <summary>What to fine-tune: a backbone, a folder of labelled images, where to write the result, and how to train.</summary>
public sealed record FineTuneOptions
{
    /// <summary>An ImageFolder tree: one sub-folder per class, named by the class.</summary>
    public required string TrainDirectory { get; init; }

    /// <summary>An optional tree with the same class folders, measured after every epoch (never trained on).</summary>
    public string? ValidationDirectory { get; init; }

    /// <summary>The timm-layout .safetensors file whose backbone is kept; its head is replaced.</summary>
    public required string Weights { get; init; }

    /// <summary>A zoo name (rexnet_100, ...); null reads it from the weights (their rexnet.model metadata, else their shapes).</summary>
    public string? Model { get; init; }

    /// <summary>The .safetensors file to write: the backbone unchanged, the new head, the labels ("-" is standard output).
    /// It may not be one of the inputs (the weights or an image), by any path or link.</summary>
    public required string Output { get; init; }

    public HeadTrainingOptions Training { get; init; } = new();

    public Augmentation Augment { get; init; } = Augmentation.None;

    /// <summary>Where features are extracted; the head is trained on the CPU.</summary>
    public DeviceSpec Device { get; init; } = DeviceSpec.Auto;

    /// <summary>How images become tensors; the same preprocessing must be used for prediction later.</summary>
    public PreprocessOptions Preprocess { get; init; } = PreprocessOptions.Default;

    /// <summary>Images per engine call while extracting features.</summary>
    public int ExtractionBatch { get; init; } = 16;

    public int DecodeWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Where extracted features are kept between runs; null extracts them every time.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The usual cache folder: $XDG_CACHE_HOME/rexnet/features, else ~/.cache/rexnet/features.</summary>
    public static string DefaultCacheDirectory => FeatureCache.DefaultDirectory();
}
