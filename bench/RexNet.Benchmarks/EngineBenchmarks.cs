using BenchmarkDotNet.Attributes;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Benchmarks;

/// <summary>Whole-network CPU latency per call, with every core, as `Engine.Run` is seen from C#.</summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private RexNetEngine? _engine;
    private float[] _input = [], _logits = [];

    [Params("rexnet_100", "rexnet_150")]
    public string Model { get; set; } = "";

    [Params(1, 8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = RexNetEngine.Create(new EngineOptions
        {
            Model = Model, FoldedWeights = RandomInit.CreateFolded(ModelSpec.FromZoo(Model), 0), Device = DeviceKind.Cpu, MaxBatch = Batch,
        });
        var rng = new Random(2);
        _input = Enumerable.Range(0, Batch * _engine.ImageElements).Select(_ => rng.NextSingle() * 2 - 1).ToArray();
        _logits = new float[Batch * _engine.NumClasses];
    }

    [Benchmark]
    public void Run() => _engine!.Run(_input, _logits);

    [GlobalCleanup]
    public void Cleanup() => _engine?.Dispose();
}
