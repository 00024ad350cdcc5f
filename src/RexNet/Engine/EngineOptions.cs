using RexNet.Weights;

namespace RexNet;

public enum DeviceKind { Auto, Cpu, Cuda }

/// <summary>
/// What to build an engine for. Everything is allocated when the engine is created. Contradictions are
/// refused by <see cref="RexNetEngine.Create(EngineOptions)"/> with a <see cref="RexNetException"/> (InvalidArgument)
/// rather than resolved silently.
/// </summary>
public sealed record EngineOptions
{
    /// <summary>Caps <see cref="MaxBatch"/>: every batch size up to it gets its own plan (and, on CUDA, its own graph).</summary>
    public const int MaxBatchLimit = 1024;

    /// <summary>A zoo name (timm's, e.g. rexnet_100) or a seed alias (ReXNet_1_0). Null: the model the weights
    /// hold, from the safetensors metadata key <c>rexnet.model</c> or else from the tensor shapes. When given
    /// it must be the model the weights hold.</summary>
    public string? Model { get; init; }

    /// <summary>A timm-layout .safetensors file. Give this or <see cref="FoldedWeights"/>, not both.</summary>
    public string? Weights { get; init; }

    /// <summary>Weights already loaded and folded, e.g. from <see cref="RandomInit"/>.</summary>
    public FoldedModel? FoldedWeights { get; init; }

    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>Which GPU (cuda:N, in the driver's order) for <see cref="DeviceKind.Cuda"/> and for Auto when
    /// it picks CUDA; must be 0 for <see cref="DeviceKind.Cpu"/>. <see cref="DeviceSpec"/> parses "cuda:N".</summary>
    public int DeviceIndex { get; init; }

    /// <summary>The largest batch a call may pass (1..<see cref="MaxBatchLimit"/>); smaller batches reuse the same buffers.
    /// With <see cref="Height"/> and <see cref="Width"/> it must keep every tensor under 2^31 elements.</summary>
    public int MaxBatch { get; init; } = 1;

    public int Height { get; init; } = 224;
    public int Width { get; init; } = 224;

    /// <summary>How the CUDA backend runs its 1x1 convolutions (ignored on the CPU).</summary>
    public CudaGemm Gemm { get; init; } = CudaGemm.Kernels;

    /// <summary>CPU worker threads (at least 1); null means one per core.</summary>
    public int? Threads { get; init; }

    /// <summary>These options with the device of <paramref name="device"/>.</summary>
    public EngineOptions WithDevice(DeviceSpec device) => this with { Device = device.Kind, DeviceIndex = device.Index };
}
