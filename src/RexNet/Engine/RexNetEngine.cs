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

    /// <summary>Classes the head scores: head.fc.weight's rows in the weights file (1000 for timm's ImageNet heads).</summary>
    public int NumClasses => Spec.NumClasses;

    /// <summary>
    /// One name per class, in logit order: the weights' rexnet.labels metadata (a fine-tuned head's class folders),
    /// else ImageNet-1k's names for a 1000-class head, else class_0 .. class_{K-1}.
    /// </summary>
    public IReadOnlyList<string> ClassLabels { get; }

    /// <summary>False when the weights name no classes and the head is not ImageNet-1k's, so that
    /// <see cref="ClassLabels"/> are only the placeholders class_0 …; a server may then report indices alone.</summary>
    public bool HasClassNames { get; }

    public int FeatureCount => Spec.PenultimateChannels;
    public int ImageElements => ModelSpec.InputChannels * Height * Width;

    /// <summary>The backend, for tests that look inside it.</summary>
    internal IInferenceBackend Backend => _backend;

    /// <summary>The pool this engine belongs to, which alone may dispose it.</summary>
    internal RexNetEnginePool? Pool { get; set; }

    private RexNetEngine(IInferenceBackend backend, FoldedModel model, EngineOptions options, string reason)
    {
        _backend = backend;
        Spec = model.Spec;
        ClassLabels = ModelLabels.Resolve(model.Labels, Spec.NumClasses);
        HasClassNames = ModelLabels.AreNamed(model.Labels, Spec.NumClasses);
        MaxBatch = options.MaxBatch;
        Height = options.Height;
        Width = options.Width;
        DeviceReason = reason;
        Diagnostics = new EngineDiagnostics(this, backend);
    }

    /// <summary>Builds an engine: loads and folds the weights, plans every batch size up to MaxBatch, and
    /// allocates everything on the chosen device. Bad or contradictory options throw <see cref="RexNetException"/>
    /// (InvalidArgument) before anything is loaded.</summary>
    public static RexNetEngine Create(EngineOptions options) => Create(options, CudaBackendFactory.Default);

    /// <summary>The same with another way to make the CUDA backend: the seam through which tests drive Auto's fallback.</summary>
    internal static RexNetEngine Create(EngineOptions options, CudaBackendFactory cuda)
    {
        Validate(options);
        FoldedModel model = ResolveModel(options);
        var spec = model.Spec;
        TensorLimits.Check(spec, options.MaxBatch, options.Height, options.Width);
        switch (options.Device)
        {
            case DeviceKind.Cuda:
                var (requested, _) = CreateCuda(cuda, model, options);
                return new RexNetEngine(requested, model, options, $"CUDA requested ({DeviceSpec.FromOptions(options)})");
            case DeviceKind.Cpu:
                return new RexNetEngine(new CpuBackend(model, options), model, options, "CPU requested");
            default:
                if (cuda.FindProblem() is { } problem)
                {
                    return new RexNetEngine(new CpuBackend(model, options), model, options, "CPU: " + problem);
                }
                try
                {
                    var (backend, name) = CreateCuda(cuda, model, options);
                    return new RexNetEngine(backend, model, options, $"CUDA: {name} found ({new DeviceSpec(DeviceKind.Cuda, options.DeviceIndex)})");
                }
                catch (RexNetException e) when (e.Code == RexNetErrorCode.DeviceUnavailable)
                {
                    // Only "this device cannot be used here" falls back; a failure of a usable device is reported.
                    return new RexNetEngine(new CpuBackend(model, options), model, options, "CPU: the CUDA backend cannot start: " + OneLine(e.Message));
                }
        }
    }

    internal static void Validate(EngineOptions options)
    {
        static RexNetException Invalid(string message) => new(RexNetErrorCode.InvalidArgument, message);
        if (!Enum.IsDefined(options.Device))
        {
            throw Invalid($"Device {(int)options.Device} is not a DeviceKind (Auto, Cpu or Cuda)");
        }
        if (options.DeviceIndex < 0)
        {
            throw Invalid($"DeviceIndex must be 0 or more, got {options.DeviceIndex}");
        }
        if (options.Device == DeviceKind.Cpu && options.DeviceIndex != 0)
        {
            throw Invalid($"DeviceIndex {options.DeviceIndex} names a GPU, but Device is Cpu");
        }
        if (options.MaxBatch is < 1 or > EngineOptions.MaxBatchLimit)
        {
            throw Invalid($"MaxBatch must be in [1, {EngineOptions.MaxBatchLimit}], got {options.MaxBatch}");
        }
        if (options.Threads is < 1)
        {
            throw Invalid($"Threads must be at least 1 (or null for one per core), got {options.Threads}");
        }
        if (options.Weights is not null && options.FoldedWeights is not null)
        {
            throw Invalid($"both Weights ({options.Weights}) and FoldedWeights are set; give one");
        }
        ModelSpec.ValidateInputSize(options.Height, options.Width);
    }

    /// <summary>The folded weights; a named model must be the one they hold.</summary>
    internal static FoldedModel ResolveModel(EngineOptions options)
    {
        if (options.FoldedWeights is { } folded)
        {
            if (options.Model is { } name && ModelZoo.Get(name).Name != folded.Spec.Name)
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument,
                    $"Model {name} does not match FoldedWeights, which hold {folded.Spec.Name}; drop Model or give {name}'s weights");
            }
            return folded;
        }
        if (options.Weights is null)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, "no weights given: set Weights to a timm .safetensors file (or FoldedWeights)");
        }
        return WeightLoader.Load(options.Weights, options.Model);
    }

    /// <summary>Explicit CUDA never falls back: anything missing becomes one exception that names it.</summary>
    private static (IInferenceBackend Backend, string Name) CreateCuda(CudaBackendFactory cuda, FoldedModel model, EngineOptions options)
    {
        if (cuda.FindProblem() is { } problem)
        {
            throw new CudaUnavailableException("CUDA was requested but cannot be used: " + problem);
        }
        try
        {
            int count = cuda.DeviceCount();
            if (options.DeviceIndex >= count)
            {
                string present = count == 1 ? "1 device (cuda:0)" : $"{count} devices (cuda:0 to cuda:{count - 1})";
                throw new RexNetException(RexNetErrorCode.NotFound, $"CUDA device {options.DeviceIndex} does not exist: the driver reports {present}");
            }
            return cuda.Create(model, options);
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

    /// <summary>Runs a batch inferred from the input length (a multiple of 3*H*W) and writes [batch, classes] logits.</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> logits)
    {
        Enter();
        try
        {
            int batch = BatchOf(input.Length);
            RequireLength(logits.Length, batch * NumClasses, "logits");
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
            int batch = BatchOf(input.Length);
            RequireLength(features.Length, batch * FeatureCount, "features");
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
            _backend.RunWithStages(input, BatchOf(input.Length), observer);
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
            return _backend.ProfileSteps(input, BatchOf(input.Length), runs);
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

    /// <summary>The batch an input of <paramref name="length"/> floats holds, or why it holds none.</summary>
    internal int BatchOf(int length)
    {
        if (length == 0 || length % ImageElements != 0)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"input holds {length} floats, not a whole number of [3, {Height}, {Width}] images ({ImageElements} floats each)");
        }
        int batch = length / ImageElements;
        if (batch > MaxBatch)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"batch {batch} exceeds this engine's MaxBatch of {MaxBatch}");
        }
        return batch;
    }

    internal static void RequireLength(int length, int needed, string what)
    {
        if (length < needed)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{what} span holds {length} floats; {needed} are needed");
        }
    }

    /// <summary>Releases the engine's memory. Waits for a call in flight on another thread to finish;
    /// a second Dispose does nothing. An engine of a <see cref="RexNetEnginePool"/> is released by its pool.</summary>
    public void Dispose()
    {
        if (Pool is not null)
        {
            throw new InvalidOperationException("this RexNetEngine belongs to a RexNetEnginePool: dispose its lease to return it, and the pool to release it");
        }
        Release();
    }

    /// <summary>Releases the memory; the public Dispose, and the pool for its engines.</summary>
    internal void Release()
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
