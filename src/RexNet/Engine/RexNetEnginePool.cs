using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using RexNet.Model;

namespace RexNet;

/// <summary>
/// A fixed set of engines built from one <see cref="EngineOptions"/>, for callers on many threads: a server's
/// request handlers or batcher, a Parallel.For. A caller rents an engine, runs it as its one owner, and
/// returns it by disposing the lease; or lets <see cref="RunAsync"/> do all three.
/// <para>Thread-safety: every member may be called from any thread at any time. Waiting for a free engine
/// (<see cref="RentAsync"/>, <see cref="RunAsync"/>) blocks no thread, serves waiters first come first
/// served, and can be cancelled; <see cref="Rent"/> blocks its thread.</para>
/// <para>Bounded: the pool never grows, so at most <see cref="Count"/> calls run at once; a caller that must
/// not wait uses <see cref="TryRent"/>.</para>
/// <para>The weights are read and folded once and shared. When <see cref="EngineOptions.Threads"/> is null,
/// the cores are split between the engines (each CPU engine gets cores / engines threads, at least one), so
/// that the engines do not fight over them. All engines run on the device the first one chose.</para>
/// </summary>
public sealed class RexNetEnginePool : IDisposable
{
    public const int MaxEngines = 256;

    private readonly RexNetEngine[] _engines;
    private readonly Channel<RexNetEngine> _free = Channel.CreateUnbounded<RexNetEngine>();
    private volatile bool _disposed;

    /// <summary>Engines in the pool.</summary>
    public int Count => _engines.Length;

    /// <summary>Engines free right now (a snapshot; another thread may take one at once).</summary>
    public int Available => _free.Reader.Count;

    public ModelSpec Spec => _engines[0].Spec;
    public int MaxBatch => _engines[0].MaxBatch;
    public int Height => _engines[0].Height;
    public int Width => _engines[0].Width;
    public int NumClasses => _engines[0].NumClasses;
    public int FeatureCount => _engines[0].FeatureCount;
    public int ImageElements => _engines[0].ImageElements;
    public DeviceKind Device => _engines[0].Device;

    /// <summary>Why the engines run on <see cref="Device"/>.</summary>
    public string DeviceReason => _engines[0].DeviceReason;

    private RexNetEnginePool(RexNetEngine[] engines)
    {
        _engines = engines;
        foreach (var engine in engines)
        {
            engine.Pool = this;
            _free.Writer.TryWrite(engine);
        }
    }

    /// <summary>Builds <paramref name="engines"/> engines (1..<see cref="MaxEngines"/>). Options are checked as
    /// <see cref="RexNetEngine.Create(EngineOptions)"/> checks them; if any engine fails to build, those already built are released.</summary>
    public static RexNetEnginePool Create(EngineOptions options, int engines)
    {
        if (engines is < 1 or > MaxEngines)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"a pool holds 1 to {MaxEngines} engines, got {engines}");
        }
        RexNetEngine.Validate(options);
        var shared = options with
        {
            Weights = null,
            FoldedWeights = RexNetEngine.ResolveModel(options),
            Threads = options.Threads ?? Math.Max(1, Environment.ProcessorCount / engines),
        };
        var built = new List<RexNetEngine>(engines);
        try
        {
            built.Add(RexNetEngine.Create(shared));
            // The first engine chose the device (Auto); the others follow it rather than choosing again.
            var same = shared with { Device = built[0].Device };
            while (built.Count < engines)
            {
                built.Add(RexNetEngine.Create(same));
            }
        }
        catch
        {
            foreach (var engine in built)
            {
                engine.Dispose();
            }
            throw;
        }
        return new RexNetEnginePool([.. built]);
    }

    /// <summary>Takes a free engine without waiting; false when all are in use.</summary>
    public bool TryRent([NotNullWhen(true)] out EngineLease? lease)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lease = _free.Reader.TryRead(out var engine) ? Lease(engine) : null;
        return lease is not null;
    }

    /// <summary>Waits for a free engine, blocking the calling thread.</summary>
    public EngineLease Rent(CancellationToken cancel = default) =>
        TryRent(out var lease) ? lease : RentAsync(cancel).AsTask().GetAwaiter().GetResult();

    /// <summary>Waits for a free engine without blocking a thread. Cancelling gives up the wait
    /// (<see cref="OperationCanceledException"/>); disposing the pool fails it (<see cref="ObjectDisposedException"/>).</summary>
    public async ValueTask<EngineLease> RentAsync(CancellationToken cancel = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RexNetEngine engine;
        try
        {
            engine = await _free.Reader.ReadAsync(cancel).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(RexNetEnginePool));
        }
        return Lease(engine);
    }

    /// <summary>Runs one batch on the next free engine: waits (without blocking a thread) for one, then runs on
    /// the calling thread. Bad lengths fail before waiting. Cancellation applies to the wait, not to a run.</summary>
    public Task RunAsync(ReadOnlyMemory<float> input, Memory<float> logits, CancellationToken cancel = default) =>
        RunOnAnEngine(input, logits, NumClasses, features: false, cancel);

    /// <summary>As <see cref="RunAsync"/>, writing pooled features [batch, FeatureCount] instead of logits.</summary>
    public Task RunFeaturesAsync(ReadOnlyMemory<float> input, Memory<float> features, CancellationToken cancel = default) =>
        RunOnAnEngine(input, features, FeatureCount, features: true, cancel);

    private async Task RunOnAnEngine(ReadOnlyMemory<float> input, Memory<float> output, int perImage, bool features, CancellationToken cancel)
    {
        var first = _engines[0];
        int batch = first.BatchOf(input.Length);
        RexNetEngine.RequireLength(output.Length, batch * perImage, features ? "features" : "logits");
        using var lease = await RentAsync(cancel).ConfigureAwait(false);
        if (features)
        {
            lease.Engine.RunFeatures(input.Span, output.Span);
        }
        else
        {
            lease.Engine.Run(input.Span, output.Span);
        }
    }

    private EngineLease Lease(RexNetEngine engine)
    {
        if (_disposed)
        {
            // Read while the pool was being disposed: this engine is ours to release, not to lend.
            engine.Release();
            throw new ObjectDisposedException(nameof(RexNetEnginePool));
        }
        return new EngineLease(this, engine);
    }

    internal void Return(RexNetEngine engine)
    {
        if (_disposed || !_free.Writer.TryWrite(engine))
        {
            engine.Release();
        }
    }

    /// <summary>Stops lending: waiting renters get <see cref="ObjectDisposedException"/>, free engines are released
    /// now and engines out on lease when their lease is disposed. Disposing twice does nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _free.Writer.TryComplete();
        while (_free.Reader.TryRead(out var engine))
        {
            engine.Release();
        }
    }
}

/// <summary>One engine of a <see cref="RexNetEnginePool"/>, owned by the holder until the lease is disposed,
/// which returns it. Use the engine from one thread at a time; do not keep it after disposing the lease.</summary>
public sealed class EngineLease : IDisposable
{
    private readonly RexNetEnginePool _pool;
    private RexNetEngine? _engine;

    internal EngineLease(RexNetEnginePool pool, RexNetEngine engine)
    {
        _pool = pool;
        _engine = engine;
    }

    public RexNetEngine Engine => _engine ?? throw new ObjectDisposedException(nameof(EngineLease), "this lease was returned to its pool");

    /// <summary>Returns the engine to the pool; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _engine, null) is { } engine)
        {
            _pool.Return(engine);
        }
    }
}
