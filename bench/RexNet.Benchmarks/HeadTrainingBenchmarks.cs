using BenchmarkDotNet.Attributes;
using RexNet.FineTuning;

namespace RexNet.Benchmarks;

/// <summary>
/// One epoch of fine-tuning's head training over 10,000 standardised 1280-d features (rexnet_100's), batch 64, against
/// one forward pass over the same features (the baseline: an epoch is a forward and a backward pass per minibatch
/// plus the end-of-epoch forward pass that measures loss and top-1, so about 4x).
/// </summary>
[MemoryDiagnoser]
public class HeadTrainingBenchmarks
{
    private const int Samples = 10_000, Features = 1280;
    private LabelledFeatures _data = null!;
    private LinearHead _head = null!;

    [Params(10, 100)]
    public int Classes { get; set; }

    [Params(HeadOptimizer.Sgd, HeadOptimizer.AdamW)]
    public HeadOptimizer Optimizer { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var x = new FeatureMatrix(Samples, Features);
        for (int i = 0; i < x.Data.Length; i++)
        {
            x.Data[i] = (float)((rng.NextDouble() - 0.5) * 0.1);
        }
        _data = new LabelledFeatures(x, Enumerable.Range(0, Samples).Select(_ => rng.Next(Classes)).ToArray());
        _head = new LinearHead(Classes, Features);
    }

    [Benchmark(Baseline = true, Description = "forward pass (loss, top-1)")]
    public double Forward() => HeadMetrics.Measure(_head, _data.Features, _data.Labels).Loss;

    [Benchmark(Description = "one training epoch")]
    public float Epoch() =>
        HeadTrainer.Train(_data, null, Classes, new HeadTrainingOptions { Epochs = 1, Optimizer = Optimizer }).Bias[0];
}
