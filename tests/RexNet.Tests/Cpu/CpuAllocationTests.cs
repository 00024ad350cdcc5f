using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cpu;

[Collection(SerialCollection.Name)]
public class CpuAllocationTests
{
    [Fact]
    public void RunAllocatesNothingAfterTheFirst()
    {
        var model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 3);
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            FoldedWeights = model, Device = DeviceKind.Cpu, MaxBatch = 2, Height = 96, Width = 80, Threads = 2,
        });
        var input = NaiveOps.Random(2 * engine.ImageElements, 32);
        var logits = new float[2000];
        var features = new float[2 * engine.FeatureCount];
        // Warm-up covers every batch size and the lazily created wait objects of the worker pool.
        for (int i = 0; i < 10; i++)
        {
            engine.Run(input, logits);
            engine.Run(input.AsSpan(0, engine.ImageElements), logits);
            engine.RunFeatures(input, features);
        }
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 20; i++)
        {
            engine.Run(input, logits);
            engine.Run(input.AsSpan(0, engine.ImageElements), logits);
            engine.RunFeatures(input, features);
        }
        long after = GC.GetTotalAllocatedBytes(precise: true);
        Assert.Equal(0, after - before);
    }
}
