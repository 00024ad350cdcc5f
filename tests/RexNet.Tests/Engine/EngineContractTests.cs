using RexNet.Model;
using RexNet.Tests.Cpu;
using RexNet.Weights;

namespace RexNet.Tests.Engine;

/// <summary>What an engine promises when it is misused: fail at once with a clear exception, never hang,
/// never return a wrong result, never leak an internal exception.</summary>
public class EngineContractTests
{
    private static readonly FoldedModel Model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 5);

    private static RexNetEngine Engine(int threads) => RexNetEngine.Create(new EngineOptions
    {
        FoldedWeights = Model, Device = DeviceKind.Cpu, MaxBatch = 1, Height = 32, Width = 32, Threads = threads,
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void RunAfterDisposeThrowsAtOnce(int threads)
    {
        var engine = Engine(threads);
        var input = new float[engine.ImageElements];
        var logits = new float[engine.NumClasses];
        engine.Run(input, logits);
        engine.Dispose();
        engine.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.Run(input, logits));
        Assert.Throws<ObjectDisposedException>(() => engine.RunFeatures(input, new float[engine.FeatureCount]));
        Assert.Throws<ObjectDisposedException>(() => engine.RunWithStages(input, (_, _, _) => { }));
    }

    [Fact]
    public void FourThreadsOnOneEngineGetRightAnswersOrTheOneOwnerError()
    {
        using var engine = Engine(threads: 2);
        var input = NaiveOps.Random(engine.ImageElements, 40, 2f);
        var expected = new float[engine.NumClasses];
        engine.Run(input, expected);

        int refused = 0, ran = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            var logits = new float[engine.NumClasses];
            start.SignalAndWait();
            for (int i = 0; i < 25; i++)
            {
                try
                {
                    engine.Run(input, logits);
                    Interlocked.Increment(ref ran);
                    if (!logits.AsSpan().SequenceEqual(expected))
                    {
                        failures.Add("a run returned different logits");
                    }
                }
                catch (InvalidOperationException e)
                {
                    Interlocked.Increment(ref refused);
                    if (!e.Message.Contains("one owner at a time", StringComparison.Ordinal))
                    {
                        failures.Add("unexpected message: " + e.Message);
                    }
                }
                catch (Exception e)
                {
                    failures.Add($"{e.GetType().Name}: {e.Message}");
                }
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a thread hung");
        Assert.Empty(failures);
        Assert.Equal(100, ran + refused);
        Assert.True(ran > 0);
    }

    [Fact]
    public void DisposeWaitsForACallInFlight()
    {
        var engine = Engine(threads: 2);
        var input = new float[engine.ImageElements];
        using var entered = new ManualResetEventSlim();
        var run = new Thread(() => engine.RunWithStages(input, (_, _, _) =>
        {
            entered.Set();
            Thread.Sleep(1);
        }));
        run.Start();
        entered.Wait(TestContext.Current.CancellationToken);
        engine.Dispose();
        Assert.True(run.Join(TimeSpan.FromMinutes(1)));
        Assert.Throws<ObjectDisposedException>(() => engine.Run(input, new float[engine.NumClasses]));
    }

    [Fact]
    public void DisposingFromInsideAnObserverIsRefused()
    {
        using var engine = Engine(threads: 1);
        var input = new float[engine.ImageElements];
        InvalidOperationException? refused = null;
        engine.RunWithStages(input, (stage, _, _) =>
        {
            if (stage == "stem")
            {
                refused = Assert.Throws<InvalidOperationException>(engine.Dispose);
            }
        });
        Assert.NotNull(refused);
    }

    [Fact]
    public void DiagnosticsDescribeTheCpuEngine()
    {
        using var engine = Engine(threads: 2);
        var d = engine.Diagnostics;
        Assert.Equal(DeviceKind.Cpu, d.Device);
        Assert.Equal("2", d.DeviceProperties["threads"]);
        Assert.True(d.ArenaBytes > 0);
        Assert.Equal(0, d.DeviceMemoryBytes);
        Assert.Null(d.LastRunDeviceMilliseconds);
        var steps = d.ProfileSteps(new float[engine.ImageElements], runs: 2);
        Assert.Contains(steps, s => s.Step.StartsWith("stem", StringComparison.Ordinal));
        Assert.All(steps, s => Assert.True(s.Milliseconds >= 0));
    }
}
