using RexNet.Cpu;
using RexNet.Cuda;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet;

/// <summary>
/// The public entry point: create once, run many times into caller-provided spans, dispose.
/// An engine has one owner at a time (one set of buffers, one stream): a call that overlaps another
/// call on the same engine throws <see cref="InvalidOperationException"/> instead of corrupting it.
/// For concurrent callers use one engine per thread or a pool of engines.
/// </summary>
public sealed class RexNetEngine : IDisposable
{
    private const int Idle = 0;
    private const int Busy = 1;
    private const int Disposed = 2;

    private readonly IInferenceBackend _backend;
    private int _state;
    private int _ownerThread;

    public ModelSpec Spec { get; }
    public int MaxBatch { get; }
    public int Height { get; }
    public int Width { get; }
    public DeviceKind Device => _backend.Device;

    /// <summary>Why this device was chosen (for Auto) or requested.</summary>
    public string DeviceReason { get; }

    /// <summary>What the engine runs on and holds; per-step profiles.</summary>
    public EngineDiagnostics Diagnostics { get; }

    public int NumClasses => Spec.NumClasses;
    public int FeatureCount => Spec.PenultimateChannels;
    public int ImageElements => ModelSpec.InputChannels * Height * Width;

    /// <summary>The backend, for tests that look inside it.</summary>
    internal IInferenceBackend Backend => _backend;

    private RexNetEngine(IInferenceBackend backend, ModelSpec spec, EngineOptions options, string reason)
    {
        _backend = backend;
        Spec = spec;
        MaxBatch = options.MaxBatch;
        Height = options.Height;
        Width = options.Width;
        DeviceReason = reason;
        Diagnostics = new EngineDiagnostics(this, backend);
    }

    public static RexNetEngine Create(EngineOptions options)
    {
        if (options.MaxBatch < 1)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"MaxBatch must be at least 1, got {options.MaxBatch}");
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
                if (CudaSupport.FindProblem() is { } problem)
                {
                    return new RexNetEngine(new CpuBackend(model, options), spec, options, "CPU: " + problem);
                }
                try
                {
                    var cuda = CreateCuda(model, options);
                    return new RexNetEngine(cuda, spec, options, $"CUDA: {cuda.DeviceInfo.Name} found");
                }
                catch (RexNetException e) when (e.Code == RexNetErrorCode.DeviceUnavailable)
                {
                    // Only "this device cannot be used here" falls back; a failure of a usable device is reported.
                    return new RexNetEngine(new CpuBackend(model, options), spec, options, "CPU: the CUDA backend cannot start: " + OneLine(e.Message));
                }
        }
    }

    /// <summary>Explicit CUDA never falls back: anything missing becomes one exception that names it.</summary>
    private static CudaBackend CreateCuda(FoldedModel model, EngineOptions options)
    {
        if (CudaSupport.FindProblem() is { } problem)
        {
            throw new CudaUnavailableException("CUDA was requested but cannot be used: " + problem);
        }
        try
        {
            return new CudaBackend(model, options);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A library that loads but lacks an entry point is too old for us: unusable, not broken.
            throw new CudaUnavailableException("CUDA was requested but a CUDA library is unusable: " + OneLine(e.Message), e);
        }
        catch (Native.Errors.CudaException e) when (CudaSupport.MeansUnavailable(e))
        {
            throw new CudaUnavailableException("CUDA was requested but the device cannot be used: " + OneLine(e.Message), e);
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static FoldedModel LoadWeights(EngineOptions options)
    {
        if (options.Weights is null)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, "no weights given: set Weights to a timm .safetensors file (or FoldedWeights)");
        }
        return WeightLoader.Load(ModelSpec.FromZoo(options.Model), options.Weights);
    }

    /// <summary>Runs a batch inferred from the input length (a multiple of 3*H*W) and writes [batch, classes] logits.</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> logits)
    {
        Enter();
        try
        {
            int batch = BatchOf(input);
            RequireLength(logits, batch * NumClasses, "logits");
            _backend.Run(input, batch, logits[..(batch * NumClasses)], default);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Runs a batch and writes the pooled features [batch, penultimate] instead of logits.</summary>
    public void RunFeatures(ReadOnlySpan<float> input, Span<float> features)
    {
        Enter();
        try
        {
            int batch = BatchOf(input);
            RequireLength(features, batch * FeatureCount, "features");
            _backend.Run(input, batch, default, features[..(batch * FeatureCount)]);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Runs a batch step by step and hands every timm stage output (stem, features.i, pool,
    /// logits) to <paramref name="observer"/>; for parity debugging, not for speed.</summary>
    public void RunWithStages(ReadOnlySpan<float> input, StageObserver observer)
    {
        Enter();
        try
        {
            _backend.RunWithStages(input, BatchOf(input), observer);
        }
        finally
        {
            Leave();
        }
    }

    internal IReadOnlyList<StepTime> ProfileSteps(ReadOnlySpan<float> input, int runs)
    {
        if (runs < 1)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"runs must be at least 1, got {runs}");
        }
        Enter();
        try
        {
            return _backend.ProfileSteps(input, BatchOf(input), runs);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Takes the engine for one call: fails at once after Dispose or while another call runs.</summary>
    private void Enter()
    {
        int previous = Interlocked.CompareExchange(ref _state, Busy, Idle);
        if (previous == Idle)
        {
            _ownerThread = Environment.CurrentManagedThreadId;
            return;
        }
        ObjectDisposedException.ThrowIf(previous == Disposed, this);
        throw new InvalidOperationException(
            "this RexNetEngine is already running a call on another thread: an engine has one owner at a time; " +
            "give each thread its own engine or share a pool of engines");
    }

    private void Leave()
    {
        _ownerThread = 0;
        Volatile.Write(ref _state, Idle);
    }

    private int BatchOf(ReadOnlySpan<float> input)
    {
        if (input.Length == 0 || input.Length % ImageElements != 0)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"input holds {input.Length} floats, not a whole number of [3, {Height}, {Width}] images ({ImageElements} floats each)");
        }
        int batch = input.Length / ImageElements;
        if (batch > MaxBatch)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"batch {batch} exceeds this engine's MaxBatch of {MaxBatch}");
        }
        return batch;
    }

    private static void RequireLength(Span<float> span, int needed, string what)
    {
        if (span.Length < needed)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{what} span holds {span.Length} floats; {needed} are needed");
        }
    }

    /// <summary>Releases the engine's memory. Waits for a call in flight on another thread to finish;
    /// a second Dispose does nothing.</summary>
    public void Dispose()
    {
        var spin = new SpinWait();
        while (true)
        {
            int previous = Interlocked.CompareExchange(ref _state, Disposed, Idle);
            if (previous == Disposed)
            {
                return;
            }
            if (previous == Idle)
            {
                break;
            }
            if (_ownerThread == Environment.CurrentManagedThreadId)
            {
                throw new InvalidOperationException("a RexNetEngine cannot be disposed from inside its own call (a stage observer)");
            }
            spin.SpinOnce();
        }
        _backend.Dispose();
    }
}
