using RexNet.Weights;

namespace RexNet;

public enum DeviceKind { Auto, Cpu, Cuda }

/// <summary>What to build an engine for. Everything is allocated when the engine is created.</summary>
public sealed record EngineOptions
{
    /// <summary>A zoo name (timm's, e.g. rexnet_100) or a seed alias (ReXNet_1_0).</summary>
    public string Model { get; init; } = "rexnet_100";

    /// <summary>A timm-layout .safetensors file. Ignored when <see cref="FoldedWeights"/> is set.</summary>
    public string? Weights { get; init; }

    /// <summary>Weights already loaded and folded, e.g. from <see cref="RandomInit"/>.</summary>
    public FoldedModel? FoldedWeights { get; init; }

    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>The largest batch a call may pass; smaller batches reuse the same buffers.</summary>
    public int MaxBatch { get; init; } = 1;

    public int Height { get; init; } = 224;
    public int Width { get; init; } = 224;

    /// <summary>How the CUDA backend runs its 1x1 convolutions (ignored on the CPU).</summary>
    public CudaGemm Gemm { get; init; } = CudaGemm.Kernels;

    /// <summary>CPU worker threads; null means one per core.</summary>
    public int? Threads { get; init; }
}
