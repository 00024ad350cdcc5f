using RexNet.Cpu;
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
        var pool = ((CpuBackend)engine.Backend).Pool;
        var input = NaiveOps.Random(2 * engine.ImageElements, 33);
        var logits = new float[2000];
        var features = new float[2 * engine.FeatureCount];
        Exercise(engine, input, logits, features, 20);
        // Counted per thread (the caller and each helper), so the test host's own threads cannot make this
        // fail. Over several windows: a one-time allocation inside the runtime (say when a helper first
        // blocks, which under load can happen late) lands in one window only, while anything a run
        // allocates lands in every window, so one clean window proves that runs allocate nothing.
        const int Windows = 5;
        string dirty = "";
        for (int window = 0; window < Windows; window++)
        {
            var before = new AllocationSample(pool.WorkerCount);
            var after = new AllocationSample(pool.WorkerCount);
            pool.Run(before, pool.WorkerCount);
            Exercise(engine, input, logits, features, 100);
            pool.Run(after, pool.WorkerCount);
            dirty = string.Join(", ", Enumerable.Range(0, pool.WorkerCount)
                .Where(w => after.Bytes[w] != before.Bytes[w])
                .Select(w => $"worker {w} allocated {after.Bytes[w] - before.Bytes[w]} bytes"));
            if (dirty.Length == 0)
            {
                return;
            }
        }
        Assert.Fail($"every window of 300 runs allocated; in the last: {dirty}");
    }

    /// <summary>
    /// Reads each worker's own allocation counter: one task per worker, and no task finishes before all
    /// have started, so no worker can take two of them.
    /// </summary>
    private sealed class AllocationSample(int workers) : IParallelJob
    {
        private int _arrived;

        public long[] Bytes { get; } = new long[workers];

        public void Execute(int task, int worker)
        {
            Bytes[worker] = GC.GetAllocatedBytesForCurrentThread();
            Interlocked.Increment(ref _arrived);
            var spin = new SpinWait();
            while (Volatile.Read(ref _arrived) < Bytes.Length)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
