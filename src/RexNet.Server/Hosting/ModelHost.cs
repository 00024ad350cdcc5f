using Microsoft.Extensions.Logging;
using RexNet.Server.Batching;
using RexNet.Server.Inference;
using RexNet.Server.Metrics;

namespace RexNet.Server.Hosting;

/// <summary>
/// The served model's life: loading (live, not ready), ready (engines and batcher exist), draining (SIGTERM:
/// not ready, what is queued still runs) and closed. Readers see a consistent snapshot without locks.
/// </summary>
internal sealed class ModelHost : IDisposable
{
    private readonly ServeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile Loaded? _loaded;
    private volatile bool _draining;
    private volatile string? _name;
    private RexNetEnginePool? _pool;

    /// <summary>What exists once loading finished.</summary>
    internal sealed record Loaded(ServedModel Model, DynamicBatcher Batcher, ServerMetrics.ModelMetrics Metrics);

    public ModelHost(ServeOptions options, ServerMetrics metrics, TimeProvider time, ILogger<ModelHost> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        Metrics = metrics;
        _name = options.ModelName ?? options.Model;
    }

    /// <summary>The protocol name; null while loading when neither --model-name nor --model says it (the weights will).</summary>
    public string? Name => _name;

    public ServerMetrics Metrics { get; }

    public Loaded? Current => _loaded;

    public bool IsReady => _loaded is not null && !_draining;

    public bool IsDraining => _draining;

    /// <summary>Builds the engines and the batcher; until this returns the server is live but not ready.</summary>
    public void Load()
    {
        var pool = RexNetEnginePool.Create(_options.EngineOptions, _options.EffectiveEngines);
        try
        {
            ServedModel model;
            using (var lease = pool.Rent())
            {
                model = ServedModel.Describe(_options.ModelName ?? pool.Spec.Name, pool.Spec.Name, lease.Engine);
            }
            var metrics = Metrics.ForModel(model.Name, ServedModel.Version);
            var settings = new BatcherSettings(_options.MaxBatch, TimeSpan.FromMicroseconds(_options.MaxDelayMicroseconds),
                _options.MaxQueue, model.ImageElements, model.NumClasses);
            // One batcher worker per engine; each rents a free engine for every batch it runs.
            var runners = Enumerable.Range(0, pool.Count).Select(_ => _options.TransportOnly
                ? (BatchRunner)((_, logits) => logits.Clear())
                : (input, logits) =>
                {
                    using var lease = pool.Rent();
                    lease.Engine.Run(input, logits);
                }).ToArray();
            var batcher = new DynamicBatcher(settings, runners, _time, metrics, _logger);
            _pool = pool;
            _name = model.Name;
            _loaded = new Loaded(model, batcher, metrics);
            _logger.LogInformation("model {Name} ({Model}, {Classes} classes, {Height}x{Width}) ready on {Device} ({Reason}): " +
                "{Engines} engine(s), batches up to {MaxBatch}, delay up to {Delay} us, queue {Queue}",
                model.Name, model.ModelId, model.NumClasses, model.Height, model.Width, model.Device, model.DeviceReason,
                pool.Count, _options.MaxBatch, _options.MaxDelayMicroseconds, _options.MaxQueue);
            if (pool.Device == DeviceKind.Cpu && _options.Threads is { } threads && pool.Count * threads > Environment.ProcessorCount)
            {
                _logger.LogWarning("{Engines} engines x {Threads} threads oversubscribe the {Cores} cores", pool.Count, threads,
                    Environment.ProcessorCount);
            }
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    /// <summary>SIGTERM: readiness goes false and batches stop waiting for company.</summary>
    public void BeginDrain()
    {
        _draining = true;
        if (_loaded is { } loaded)
        {
            _logger.LogInformation("stopping: answering {Pending} queued request(s) and those in progress, then exiting", loaded.Batcher.Pending);
            loaded.Batcher.BeginDrain();
        }
    }

    /// <summary>Runs what is still queued, then releases the engines.</summary>
    public void Dispose()
    {
        _draining = true;
        _loaded?.Batcher.Dispose();
        _pool?.Dispose();
        _pool = null;
    }
}
