using RexNet.Model;
using RexNet.Native.Cublas;
using RexNet.Native.Driver;
using RexNet.Native.Errors;
using RexNet.Weights;

namespace RexNet.Cuda;

/// <summary>
/// Runs the plan on one GPU. Creating it allocates everything: one stream, the compiled kernels, one weight
/// allocation (uploaded once), one activation arena sized from the largest batch's device program, pinned
/// staging buffers, two timing events, one CUDA graph per batch size 1..MaxBatch, and, when the GEMMs run
/// through cuBLAS, a cuBLAS handle with its own workspace. A run copies the input into pinned memory, then
/// on the stream: upload, graph launch, download; then synchronises. It allocates nothing on the host or
/// the device. Everything, creation included, runs on the engine's own stream and waits on that stream
/// only: a context-wide synchronisation would invalidate another engine's capture on another thread.
///
/// Graphs per batch size, captured eagerly at creation: a graph is one node per device op (at most 52 for
/// rexnet_100 with our GEMM kernels) and captures in well under a millisecond, so capturing MaxBatch of
/// them costs little and keeps the promise that creation allocates everything. Padding to MaxBatch instead
/// would make a batch-1 call pay for MaxBatch images.
///
/// Thread-safety: none. One engine is one stream and one set of buffers; call it from one thread at a time
/// (any thread: each call binds the context to the calling thread). Two engines may run side by side on one
/// GPU, each with its own stream, arena and (with cuBLAS) handle, sharing the device's primary context.
/// A sticky CUDA error (illegal address, launch failure) marks the engine broken; every later call fails fast
/// with that first error (<see cref="BrokenReason"/>).
/// </summary>
internal sealed class CudaBackend : IInferenceBackend
{
    /// <summary>cuBLAS's recommended workspace for Hopper; owned by the engine so captured GEMMs never allocate.</summary>
    public const long CublasWorkspaceBytes = 32L << 20;

    private const int MaxKernelArgs = 24;

    private readonly CudaContext _context;
    private readonly List<IDisposable> _owned = [];
    private readonly CudaPlan _plan = null!;
    private readonly CudaStreamHandle _stream = null!;
    private readonly CublasHandle? _blas;
    private readonly DeviceMemoryHandle _arena = null!;
    private readonly DeviceMemoryHandle _weights = null!;
    private readonly PinnedHostMemoryHandle _inputStaging = null!;
    private readonly PinnedHostMemoryHandle _outputStaging = null!;
    private readonly CudaEventHandle _start = null!;
    private readonly CudaEventHandle _end = null!;
    private readonly BoundOp[][][] _ops = [];
    private readonly CudaGraphExecHandle[]? _graphs;
    private IReadOnlyDictionary<string, string>? _deviceProperties;
    private bool _disposed;

    public DeviceKind Device => DeviceKind.Cuda;
    public CudaDeviceInfo DeviceInfo => _context.Device;

    /// <summary>Whether runs replay CUDA graphs (always, except in tests comparing with step-by-step launches).</summary>
    public bool UsesGraphs => _graphs is not null;

    public CudaGemm Gemm { get; }
    public long ArenaBytes { get; }
    public long WeightBytes { get; }

    /// <summary>Device memory this engine holds: activations and scratch, weights, and the cuBLAS workspace if it has one.</summary>
    public long DeviceMemoryBytes => ArenaBytes + WeightBytes + (_blas is null ? 0 : CublasWorkspaceBytes);

    /// <summary>Kernel launches and library calls in one inference of <paramref name="batch"/> images (copies in and out excluded).</summary>
    public int DeviceOpCount(int batch) => _plan.Ops[batch - 1].Sum(step => step.Length);

    /// <summary>Fixed once the engine exists; built on first use, as it asks the driver, NVRTC and cuBLAS for their versions.</summary>
    public IReadOnlyDictionary<string, string> DeviceProperties => _deviceProperties ??= CudaRuntimeInfo.Of(this).ToProperties();

    /// <summary>Per-step timing needs a synchronisation per step, which would measure the launch
    /// overhead more than the kernels: on the GPU, profile with Nsight Systems instead.</summary>
    public IReadOnlyList<StepTime> ProfileSteps(ReadOnlySpan<float> input, int batch, int runs) =>
        throw new RexNetException(RexNetErrorCode.InvalidArgument, "per-step profiles are measured on the CPU backend only; on a GPU use Nsight Systems (nsys profile)");

    /// <summary>The first sticky error, once one has happened; null while the engine is healthy.</summary>
    public string? BrokenReason => _context.Health.BreakingError?.Message;

    /// <summary>The context's health, which tests use to check that a broken engine fails fast.</summary>
    internal ContextHealth Health => _context.Health;

    public CudaBackend(FoldedModel model, EngineOptions options) : this(model, options, useGraphs: true, KernelCompiler.CreateDefault()) { }

    internal CudaBackend(FoldedModel model, EngineOptions options, bool useGraphs, KernelCompiler compiler)
    {
        Gemm = options.Gemm;
        _plan = CudaPlan.Create(model, options.MaxBatch, options.Height, options.Width, options.Gemm);
        _context = CudaContext.Create(options.DeviceIndex);
        try
        {
            _stream = Own(_context.CreateStream());
            if (Gemm == CudaGemm.Cublas)
            {
                // Owned before the handle, so it is freed after cublasDestroy.
                var workspace = Own(_context.Allocate(CublasWorkspaceBytes));
                _blas = Own(CublasHandle.Create(_context));
                _blas.SetStream(_stream);
                // FP32 GEMMs stay FP32 (no TF32), so results match the CPU engine.
                _blas.SetMathMode(CublasMath.Default);
                _blas.SetWorkspace(workspace);
            }
            var kernels = Own(new DeviceKernels(_context, compiler));
            ArenaBytes = _plan.Arena.Bytes;
            WeightBytes = _plan.Weights.Bytes;
            _arena = Own(_context.Allocate(ArenaBytes));
            _weights = Own(_context.Allocate(WeightBytes));
            Upload();

            ulong Address(DeviceRef r) => (r.Region == DeviceRegion.Arena ? _arena : _weights).Pointer + (ulong)r.Offset * sizeof(float);
            _ops = _plan.Ops.Select(steps => steps.Select(step => step.Select(op => BoundOp.Bind(op, kernels, Address)).ToArray()).ToArray()).ToArray();

            var max = _plan.Programs[^1].Plan;
            _inputStaging = Own(_context.AllocatePinned((long)max.Input.Shape.Count * sizeof(float)));
            _outputStaging = Own(_context.AllocatePinned((long)(max.Logits.Shape.Count + max.Features.Shape.Count) * sizeof(float)));
            _start = Own(_context.CreateEvent());
            _end = Own(_context.CreateEvent());

            // Un-captured passes first: they load lazily-loaded kernels outside any capture, and report a bad
            // launch with the failing op's name rather than as a graph error. Our kernels are the same for every
            // batch size, so one pass covers them; cuBLAS picks its kernels by shape, so it gets one per size.
            int warmups = Gemm == CudaGemm.Cublas ? _ops.Length : 1;
            for (int b = 0; b < warmups; b++)
            {
                ExecuteSteps(_ops[b], 0, _ops[b].Length);
            }
            _stream.Synchronize();
            if (useGraphs)
            {
                _graphs = new CudaGraphExecHandle[_ops.Length];
                for (int b = 0; b < _ops.Length; b++)
                {
                    _graphs[b] = Own(Capture(_ops[b]));
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Zeroes the arena (the fused kernels' counters start at zero) and uploads the weights, both on the engine's stream.</summary>
    private void Upload()
    {
        _arena.Fill(0, _stream);
        using var staging = _context.AllocatePinned(WeightBytes);
        _plan.Weights.PackInto(staging.AsSpan<float>());
        _weights.CopyFromAsync(staging, 0, 0, WeightBytes, _stream);
        // The staging buffer is freed below: the copy must have read it first.
        _stream.Synchronize();
    }

    private T Own<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    private CudaGraphExecHandle Capture(BoundOp[][] steps)
    {
        _stream.BeginCapture(CuStreamCaptureMode.ThreadLocal);
        try
        {
            ExecuteSteps(steps, 0, steps.Length);
        }
        catch
        {
            try
            {
                _stream.EndCapture().Dispose();
            }
            catch (CudaException)
            {
                // The capture is already invalid; the error that invalidated it is the one to report.
            }
            throw;
        }
        using var graph = _stream.EndCapture();
        return graph.Instantiate();
    }

    private void ExecuteSteps(BoundOp[][] steps, int first, int count)
    {
        Span<ulong> storage = stackalloc ulong[MaxKernelArgs];
        for (int s = first; s < first + count; s++)
        {
            foreach (var op in steps[s])
            {
                if (op.Function is { } function)
                {
                    var args = new KernelArguments(storage);
                    foreach (ulong value in op.Args)
                    {
                        args.Add(value);
                    }
                    var k = (KernelLaunch)op.Op;
                    function.Launch(k.Grid, k.Block, 0, _stream, in args);
                }
                else
                {
                    RunGemm((GemmCall)op.Op, op);
                }
            }
        }
    }

    private void RunGemm(GemmCall g, BoundOp op)
    {
        var blas = _blas!;
        if (g.BatchCount == 1)
        {
            blas.Sgemm(g.TransA, g.TransB, g.M, g.N, g.K, 1f, op.A, g.Lda, op.B, g.Ldb, 0f, op.C, g.Ldc);
        }
        else
        {
            blas.SgemmStridedBatched(g.TransA, g.TransB, g.M, g.N, g.K, 1f, op.A, g.Lda, g.StrideA, op.B, g.Ldb, g.StrideB, 0f,
                op.C, g.Ldc, g.StrideC, g.BatchCount);
        }
    }

    private long ByteOffset(int tensor) => _plan.Arena.RefOf(tensor).Offset * sizeof(float);

    private Plan Begin(ReadOnlySpan<float> input, int batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _context.MakeCurrent();
        var plan = _plan.ProgramFor(batch).Plan;
        long bytes = (long)input.Length * sizeof(float);
        input.CopyTo(_inputStaging.AsSpan<float>());
        _arena.CopyFromAsync(_inputStaging, 0, ByteOffset(plan.Input.Id), bytes, _stream);
        return plan;
    }

    public void Run(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> features)
    {
        var plan = Begin(input, batch);
        _start.Record(_stream);
        if (_graphs is not null)
        {
            _graphs[batch - 1].Launch(_stream);
        }
        else
        {
            ExecuteSteps(_ops[batch - 1], 0, _ops[batch - 1].Length);
        }
        _end.Record(_stream);
        long logitsBytes = (long)logits.Length * sizeof(float);
        long featureBytes = (long)features.Length * sizeof(float);
        if (logitsBytes > 0)
        {
            _arena.CopyToAsync(_outputStaging, 0, ByteOffset(plan.Logits.Id), logitsBytes, _stream);
        }
        if (featureBytes > 0)
        {
            _arena.CopyToAsync(_outputStaging, logitsBytes, ByteOffset(plan.Features.Id), featureBytes, _stream);
        }
        _stream.Synchronize();
        var staged = _outputStaging.AsSpan<float>();
        staged[..logits.Length].CopyTo(logits);
        staged.Slice(logits.Length, features.Length).CopyTo(features);
    }

    /// <summary>Device milliseconds of the last run's graph (events around the launch); valid after a run returned.</summary>
    public double? LastDeviceMilliseconds => CudaEventHandle.ElapsedMilliseconds(_start, _end);

    /// <summary>Debug path: runs step by step without the graph, synchronising and downloading each stage output.</summary>
    public void RunWithStages(ReadOnlySpan<float> input, int batch, StageObserver observer)
    {
        var plan = Begin(input, batch);
        var program = _plan.ProgramFor(batch);
        var steps = _ops[batch - 1];
        for (int i = 0; i < steps.Length; i++)
        {
            ExecuteSteps(steps, i, 1);
            foreach (var t in program.Steps[i].Writes.Select(id => plan.Tensors[id]).Where(t => t.Stage is not null))
            {
                _stream.Synchronize();
                var values = new float[t.Shape.Count];
                _arena.CopyTo<float>(values, ByteOffset(t.Id));
                observer(t.Stage!, t.Shape, values);
            }
        }
        _stream.Synchronize();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
        _owned.Clear();
        _context.Dispose();
    }
}
