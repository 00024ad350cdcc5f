using RexNet.Model;

namespace RexNet;

/// <summary>
/// A backend runs plans for batches 1..MaxBatch of one (height, width). Implementations allocate everything
/// when created and nothing per call. The engine guarantees one caller at a time and no call after Dispose.
/// </summary>
internal interface IInferenceBackend : IDisposable
{
    DeviceKind Device { get; }

    /// <summary>Runs the network on <paramref name="batch"/> images; writes logits [batch, classes] and
    /// pooled features [batch, penultimate] where the spans are non-empty.</summary>
    void Run(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> features);

    /// <summary>Runs step by step, handing each timm stage output (stem, features.i, pool, logits) to
    /// <paramref name="observer"/>; for parity debugging, not for speed.</summary>
    void RunWithStages(ReadOnlySpan<float> input, int batch, StageObserver observer);

    /// <summary>Bytes of activation memory (host or device) the backend holds.</summary>
    long ArenaBytes { get; }

    /// <summary>Device memory held in all (activations, weights, library workspaces); 0 on the CPU.</summary>
    long DeviceMemoryBytes { get; }

    /// <summary>Device time of the last run where the device measures it (CUDA events); else null.</summary>
    double? LastDeviceMilliseconds { get; }

    /// <summary>What benchmark reports say about the device and its libraries, as snake_case keys.</summary>
    IReadOnlyDictionary<string, string> DeviceProperties { get; }

    /// <summary>Mean milliseconds per plan step over <paramref name="runs"/> runs: where the time goes.</summary>
    IReadOnlyList<StepTime> ProfileSteps(ReadOnlySpan<float> input, int batch, int runs);
}

public delegate void StageObserver(string stage, TensorShape shape, ReadOnlySpan<float> values);
