using RexNet.Cpu;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet;

/// <summary>
/// The public entry point: create once, run many times into caller-provided spans, dispose.
/// One engine is not thread-safe (one set of buffers, one stream); use one engine per thread.
/// </summary>
public sealed class RexNetEngine : IDisposable
{
    private readonly IInferenceBackend _backend;

    public ModelSpec Spec { get; }
    public int MaxBatch { get; }
    public int Height { get; }
    public int Width { get; }
    public DeviceKind Device => _backend.Device;

    /// <summary>Why this device was chosen (for Auto) or requested.</summary>
    public string DeviceReason { get; }

    public int NumClasses => Spec.NumClasses;
    public int FeatureCount => Spec.PenultimateChannels;
    public int ImageElements => ModelSpec.InputChannels * Height * Width;

    private RexNetEngine(IInferenceBackend backend, ModelSpec spec, EngineOptions options, string reason)
    {
        _backend = backend;
        Spec = spec;
        MaxBatch = options.MaxBatch;
        Height = options.Height;
        Width = options.Width;
        DeviceReason = reason;
    }

    public static RexNetEngine Create(EngineOptions options)
    {
        if (options.MaxBatch < 1)
        {
            throw new ArgumentException($"MaxBatch must be at least 1, got {options.MaxBatch}");
        }
        ModelSpec.ValidateInputSize(options.Height, options.Width);
        FoldedModel model = options.FoldedWeights ?? LoadWeights(options);
        var spec = model.Spec;
        switch (options.Device)
        {
            case DeviceKind.Cuda:
                throw new NotSupportedException("the CUDA backend is not built yet; use --device cpu");
            case DeviceKind.Cpu:
                return new RexNetEngine(new CpuBackend(model, options), spec, options, "CPU requested");
            default:
                return new RexNetEngine(new CpuBackend(model, options), spec, options,
                    "CPU: this build has no CUDA backend yet");
        }
    }

    private static FoldedModel LoadWeights(EngineOptions options)
    {
        if (options.Weights is null)
        {
            throw new ArgumentException("no weights given: set Weights to a timm .safetensors file (or FoldedWeights)");
        }
        return WeightLoader.Load(ModelSpec.FromZoo(options.Model), options.Weights);
    }

    /// <summary>Runs a batch inferred from the input length (a multiple of 3*H*W) and writes [batch, classes] logits.</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> logits)
    {
        int batch = BatchOf(input);
        RequireLength(logits, batch * NumClasses, "logits");
        _backend.Run(input, batch, logits[..(batch * NumClasses)], default);
    }

    /// <summary>Runs a batch and writes the pooled features [batch, penultimate] instead of logits.</summary>
    public void RunFeatures(ReadOnlySpan<float> input, Span<float> features)
    {
        int batch = BatchOf(input);
        RequireLength(features, batch * FeatureCount, "features");
        _backend.Run(input, batch, default, features[..(batch * FeatureCount)]);
    }

    /// <summary>Runs a batch and reports every timm stage output; see <see cref="IInferenceBackend.RunWithStages"/>.</summary>
    public void RunWithStages(ReadOnlySpan<float> input, StageObserver observer) =>
        _backend.RunWithStages(input, BatchOf(input), observer);

    private int BatchOf(ReadOnlySpan<float> input)
    {
        if (input.Length == 0 || input.Length % ImageElements != 0)
        {
            throw new ArgumentException(
                $"input holds {input.Length} floats, not a whole number of [3, {Height}, {Width}] images ({ImageElements} floats each)");
        }
        int batch = input.Length / ImageElements;
        if (batch > MaxBatch)
        {
            throw new ArgumentException($"batch {batch} exceeds this engine's MaxBatch of {MaxBatch}");
        }
        return batch;
    }

    private static void RequireLength(Span<float> span, int needed, string what)
    {
        if (span.Length < needed)
        {
            throw new ArgumentException($"{what} span holds {span.Length} floats; {needed} are needed");
        }
    }

    public void Dispose() => _backend.Dispose();
}
