using RexNet.Server.Batching;

namespace RexNet.Server.Hosting;

/// <summary>
/// The engines behind the batcher, all built from one set of options: one per batcher worker.
/// Stands in until the library's engine pool replaces it.
/// </summary>
internal sealed class EngineSet : IDisposable
{
    private readonly RexNetEngine[] _engines;

    private EngineSet(RexNetEngine[] engines) => _engines = engines;

    public IReadOnlyList<RexNetEngine> Engines => _engines;

    public IReadOnlyList<BatchRunner> Runners => _engines.Select(e => (BatchRunner)e.Run).ToArray();

    public static EngineSet Create(ServeOptions options)
    {
        var engineOptions = new EngineOptions
        {
            Model = options.Model, Weights = options.Weights, FoldedWeights = options.FoldedWeights, Device = options.Device,
            MaxBatch = options.MaxBatch, Height = options.Height, Width = options.Width, Threads = options.EffectiveThreads,
        };
        var engines = new List<RexNetEngine>();
        try
        {
            for (int i = 0; i < options.EffectiveEngines; i++)
            {
                engines.Add(RexNetEngine.Create(engineOptions));
            }
        }
        catch
        {
            engines.ForEach(e => e.Dispose());
            throw;
        }
        return new EngineSet([.. engines]);
    }

    public void Dispose()
    {
        foreach (var engine in _engines)
        {
            engine.Dispose();
        }
    }
}
