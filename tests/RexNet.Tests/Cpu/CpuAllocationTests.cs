using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cpu;

[Collection(SerialCollection.Name)]
public class CpuAllocationTests
{
    private static readonly FoldedModel Model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 3);

    private static RexNetEngine Engine(int threads, int size) => RexNetEngine.Create(new EngineOptions
    {
        FoldedWeights = Model, Device = DeviceKind.Cpu, MaxBatch = 2, Height = size, Width = size, Threads = threads,
    });

    /// <summary>Runs every entry point <paramref name="rounds"/> times.</summary>
    private static void Exercise(RexNetEngine engine, float[] input, float[] logits, float[] features, int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            engine.Run(input, logits);
            engine.Run(input.AsSpan(0, engine.ImageElements), logits);
            engine.RunFeatures(input, features);
        }
    }

    [Fact]
    public void RunAllocatesNothingOnTheCallingThread()
    {
        // One worker: every op runs on this thread, so the per-thread counter sees all of it exactly.
        using var engine = Engine(threads: 1, size: 96);
        var input = NaiveOps.Random(2 * engine.ImageElements, 32);
        var logits = new float[2000];
        var features = new float[2 * engine.FeatureCount];
        Exercise(engine, input, logits, features, 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exercise(engine, input, logits, features, 10);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheWorkerPoolAllocatesNothingPerRun()
    {
        using var engine = Engine(threads: 2, size: 32);
        var input = NaiveOps.Random(2 * engine.ImageElements, 33);
        var logits = new float[2000];
        var features = new float[2 * engine.FeatureCount];
        // Warm-up creates the pool's wait objects lazily.
        Exercise(engine, input, logits, features, 20);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        Exercise(engine, input, logits, features, 100);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        // The counter is process-wide and the test host's own reporting allocates a little now and then.
        // 300 runs of ~100 pool dispatches each: one object per run would already exceed this bound.
        Assert.True(allocated < 4096, $"{allocated} bytes allocated over 300 runs");
    }
}
