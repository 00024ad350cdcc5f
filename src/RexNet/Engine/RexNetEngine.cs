using RexNet.Cpu;
using RexNet.Cuda;
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
                return new RexNetEngine(CreateCuda(model, options), spec, options, "CUDA requested");
            case DeviceKind.Cpu:
                return new RexNetEngine(new CpuBackend(model, options), spec, options, "CPU requested");
            default:
                if (CudaSupport.FindProblem(options.Gemm == CudaGemm.Cublas) is { } problem)
                {
                    return new RexNetEngine(new CpuBackend(model, options), spec, options, "CPU: " + problem);
                }
                try
                {
                    var cuda = new CudaBackend(model, options);
                    return new RexNetEngine(cuda, spec, options, $"CUDA: {cuda.DeviceInfo.Name} found");
                }
                catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException or NotSupportedException)
                {
                    return new RexNetEngine(new CpuBackend(model, options), spec, options, "CPU: the CUDA backend failed to start: " + OneLine(e.Message));
                }
        }
    }

    /// <summary>Explicit CUDA never falls back: anything missing becomes one exception that names it.</summary>
    private static CudaBackend CreateCuda(FoldedModel model, EngineOptions options)
    {
        if (CudaSupport.FindProblem(options.Gemm == CudaGemm.Cublas) is { } problem)
        {
            throw new CudaUnavailableException("CUDA was requested but cannot be used: " + problem);
        }
        try
        {
            return new CudaBackend(model, options);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or KernelCompilationException)
        {
            throw new CudaUnavailableException("CUDA was requested but the backend failed to start: " + OneLine(e.Message), e);
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The backend this engine runs on, for device-specific reporting (GPU timings, memory).</summary>
    public IInferenceBackend Backend => _backend;

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
