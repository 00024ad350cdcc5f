using RexNet.Model;

namespace RexNet;

/// <summary>
/// A backend runs plans for batches 1..MaxBatch of one (height, width). Implementations allocate everything
/// when created and nothing per call.
/// </summary>
public interface IInferenceBackend : IDisposable
{
    DeviceKind Device { get; }

    /// <summary>Runs the network on <paramref name="batch"/> images; writes logits [batch, classes] and
    /// pooled features [batch, penultimate] where the spans are non-empty.</summary>
    void Run(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> features);

    /// <summary>Runs step by step, handing each timm stage output (stem, features.i, pool, logits) to
    /// <paramref name="observer"/>; for parity debugging, not for speed.</summary>
    void RunWithStages(ReadOnlySpan<float> input, int batch, StageObserver observer);
}

public delegate void StageObserver(string stage, TensorShape shape, ReadOnlySpan<float> values);
