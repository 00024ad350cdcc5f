using RexNet.Model;
using RexNet.Tests.Cpu;
using RexNet.Weights;

namespace RexNet.Tests.Engine;

/// <summary>The pool lends each engine to one caller at a time, makes waiters wait without losing engines,
/// gives up waits when cancelled or disposed, and returns the single engine's answers under concurrency.</summary>
public class EnginePoolTests
{
    private static readonly FoldedModel Model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 8);

    private static EngineOptions Options => new()
    {
        FoldedWeights = Model, Device = DeviceKind.Cpu, MaxBatch = 2, Height = 32, Width = 32, Threads = 1,
    };

    private static CancellationToken Test => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentCallersGetWhatOneEngineComputes()
    {
        using var single = RexNetEngine.Create(Options);
        var inputs = Enumerable.Range(0, 6).Select(i => NaiveOps.Random(single.ImageElements * (1 + i % 2), 50 + i, 2f)).ToArray();
        var expected = inputs.Select(x =>
        {
            var y = new float[x.Length / single.ImageElements * single.NumClasses];
            single.Run(x, y);
            return y;
        }).ToArray();

        using var pool = RexNetEnginePool.Create(Options, engines: 3);
        Assert.Equal(3, pool.Count);
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (int round = 0; round < 4; round++)
            {
                int i = (c + round) % inputs.Length;
                var logits = new float[expected[i].Length];
                await pool.RunAsync(inputs[i], logits, Test);
                Assert.Equal(expected[i], logits);
            }
        }, Test)).ToArray();
        await Task.WhenAll(callers);
        Assert.Equal(3, pool.Available);
    }

    [Fact]
    public async Task AWaiterGetsTheEngineWhenItIsReturnedFirstComeFirstServed()
    {
        using var pool = RexNetEnginePool.Create(Options, engines: 1);
        var held = pool.Rent(Test);
        Assert.False(pool.TryRent(out _));
        Assert.Equal(0, pool.Available);
        var first = pool.RentAsync(Test).AsTask();
        var second = pool.RentAsync(Test).AsTask();
        Assert.False(first.IsCompleted);

        held.Dispose();
        using (var lease = await first)
        {
            Assert.False(second.IsCompleted);
        }
        (await second).Dispose();
        Assert.Equal(1, pool.Available);
    }

    [Fact]
    public async Task ACancelledWaitGivesUpWithoutTakingAnEngine()
    {
        using var pool = RexNetEnginePool.Create(Options, engines: 1);
        var held = pool.Rent(Test);
        using var cancel = new CancellationTokenSource();
        var waiting = pool.RunAsync(new float[3 * 32 * 32], new float[1000], cancel.Token);
        Assert.False(waiting.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(1, pool.Available);
    }

    [Fact]
    public async Task BadLengthsFailAtOnceEvenWhenEveryEngineIsBusy()
    {
        using var pool = RexNetEnginePool.Create(Options, engines: 1);
        using var held = pool.Rent(Test);
        var e = await Assert.ThrowsAsync<RexNetException>(() => pool.RunAsync(new float[5], new float[1000], Test));
        Assert.Equal(RexNetErrorCode.InvalidArgument, e.Code);
        await Assert.ThrowsAsync<RexNetException>(() => pool.RunAsync(new float[3 * 3 * 32 * 32], new float[3000], Test));
        await Assert.ThrowsAsync<RexNetException>(() => pool.RunFeaturesAsync(new float[3 * 32 * 32], new float[10], Test));
    }

    [Fact]
    public async Task DisposingThePoolFailsWaitersAndReleasesEnginesAsTheyComeBack()
    {
        var pool = RexNetEnginePool.Create(Options, engines: 2);
        var out1 = pool.Rent(Test);
        var engine = out1.Engine;
        var free = pool.Rent(Test);
        var freeEngine = free.Engine;
        free.Dispose();
        var waiter = pool.RentAsync(Test).AsTask();
        Assert.True(waiter.IsCompleted);
        (await waiter).Dispose();

        var held = pool.Rent(Test);
        var blocked = pool.RentAsync(Test).AsTask();
        pool.Dispose();
        pool.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => blocked);
        Assert.Throws<ObjectDisposedException>(() => pool.TryRent(out _));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.RunAsync(new float[3 * 32 * 32], new float[1000], Test));

        // Engines out on lease still work until returned; then they are released.
        engine.Run(new float[engine.ImageElements], new float[engine.NumClasses]);
        out1.Dispose();
        held.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.Run(new float[engine.ImageElements], new float[engine.NumClasses]));
        Assert.Throws<ObjectDisposedException>(() => freeEngine.Run(new float[engine.ImageElements], new float[engine.NumClasses]));
    }

    [Fact]
    public void ALeaseReturnsOnceAndThePoolAloneDisposesItsEngines()
    {
        using var pool = RexNetEnginePool.Create(Options, engines: 1);
        var lease = pool.Rent(Test);
        var engine = lease.Engine;
        var refused = Assert.Throws<InvalidOperationException>(engine.Dispose);
        Assert.Contains("belongs to a RexNetEnginePool", refused.Message);
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(1, pool.Available);
        Assert.Throws<ObjectDisposedException>(() => lease.Engine);
    }

    [Fact]
    public void CoresAreSplitBetweenTheEnginesWhenThreadsAreNotGiven()
    {
        using var pool = RexNetEnginePool.Create(Options with { Threads = null }, engines: 2);
        using var lease = pool.Rent(Test);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            lease.Engine.Diagnostics.DeviceProperties["threads"]);
        Assert.Equal(DeviceKind.Cpu, pool.Device);
        Assert.Equal("CPU requested", pool.DeviceReason);
        Assert.Equal((2, 32, 32, 1000, 1280), (pool.MaxBatch, pool.Height, pool.Width, pool.NumClasses, pool.FeatureCount));
    }

    [Fact]
    public void BadPoolsAreRefusedLikeBadEngines()
    {
        Assert.Equal(RexNetErrorCode.InvalidArgument, Assert.Throws<RexNetException>(() => RexNetEnginePool.Create(Options, 0)).Code);
        Assert.Throws<RexNetException>(() => RexNetEnginePool.Create(Options, RexNetEnginePool.MaxEngines + 1));
        Assert.Contains("does not match FoldedWeights", Assert.Throws<RexNetException>(() => RexNetEnginePool.Create(Options with { Model = "rexnet_200" }, 2)).Message);
    }
}
