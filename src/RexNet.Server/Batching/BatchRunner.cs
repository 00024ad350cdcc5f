namespace RexNet.Server.Batching;

/// <summary>Runs one batch on one engine: <paramref name="input"/> is n x [3, H, W], <paramref name="logits"/> n x classes.
/// Each batcher worker calls its own runner from its own thread, one batch at a time.</summary>
internal delegate void BatchRunner(ReadOnlySpan<float> input, Span<float> logits);

/// <summary>The batcher's knobs: batch size, delay, queue bound, and the tensor sizes of the model.</summary>
internal sealed record BatcherSettings(int MaxBatch, TimeSpan MaxDelay, int MaxQueue, int ImageElements, int NumClasses);
