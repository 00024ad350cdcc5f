using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RexNet.Server.Batching;
using RexNet.Server.Inference;
using RexNet.Server.Metrics;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Batching;

/// <summary>
/// The batcher with a fake engine and a fake clock: the clock never moves unless a test moves it, so "waited for
/// company" and "gave up waiting" are decided by the test, not by how fast the machine is.
/// </summary>
public sealed class DynamicBatcherTests
{
    private const int Per = 2;
    private const int Classes = 3;

    /// <summary>An engine whose logits are a function of each image: logit c = first pixel * 10 + c.</summary>
    private sealed class FakeEngine
    {
        private readonly object _gate = new();
        public List<int> BatchSizes { get; } = [];
        public Func<int, Exception?>? FailOn { get; init; }

        public void Run(ReadOnlySpan<float> input, Span<float> logits)
        {
            int n = input.Length / Per;
            lock (_gate)
            {
                BatchSizes.Add(n);
                if (FailOn?.Invoke(BatchSizes.Count) is { } error)
                {
                    throw error;
                }
            }
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < Classes; c++)
                {
                    logits[i * Classes + c] = input[i * Per] * 10 + c;
                }
            }
        }
    }

    private static DynamicBatcher Create(FakeEngine engine, FakeTimeProvider time, int maxBatch = 4, int maxQueue = 16, int delayUs = 2000,
        ServerMetrics? metrics = null) =>
        new(new BatcherSettings(maxBatch, TimeSpan.FromMicroseconds(delayUs), maxQueue, Per, Classes), [engine.Run], time,
            (metrics ?? new ServerMetrics()).ForModel("m", "1"), NullLogger.Instance);

    private static float[] Images(params float[] firstPixels) => firstPixels.SelectMany(v => new[] { v, 0f }).ToArray();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_that_arrive_while_the_batch_waits_run_together()
    {
        var engine = new FakeEngine();
        var time = new FakeTimeProvider();
        using var batcher = Create(engine, time, maxBatch: 4);
        // The clock stands still: the first request waits for company until the batch is full.
        var works = Enumerable.Range(0, 4).Select(i => batcher.Submit(Images(i), 1, Token)).ToArray();
        await Task.WhenAll(works.Select(w => w.Completion)).WithinLimit();
        Assert.Equal([4], engine.BatchSizes);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal([i * 10f, i * 10f + 1, i * 10f + 2], works[i].Logits);
        }
    }

    [Fact]
    public async Task A_lone_request_runs_once_its_delay_has_passed()
    {
        var engine = new FakeEngine();
        var time = new FakeTimeProvider();
        using var batcher = Create(engine, time, maxBatch: 4, delayUs: 2000);
        var work = batcher.Submit(Images(7), 1, Token);
        Assert.False(work.Completion.IsCompleted);
        time.Advance(TimeSpan.FromMicroseconds(2000));
        await work.Completion.WithinLimit();
        Assert.Equal([1], engine.BatchSizes);
        Assert.Equal(TimeSpan.FromMicroseconds(2000), work.QueueTime);
    }

    [Fact]
    public async Task Without_a_delay_nothing_waits()
    {
        var engine = new FakeEngine();
        using var batcher = Create(engine, new FakeTimeProvider(), maxBatch: 4, delayUs: 0);
        await batcher.Submit(Images(1), 1, Token).Completion.WithinLimit();
        Assert.Equal([1], engine.BatchSizes);
    }

    [Fact]
    public async Task A_request_larger_than_a_batch_is_split_and_reassembled()
    {
        var engine = new FakeEngine();
        var time = new FakeTimeProvider();
        using var batcher = Create(engine, time, maxBatch: 2);
        var work = batcher.Submit(Images(1, 2, 3, 4, 5), 5, Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await work.Completion.WithinLimit();
        Assert.Equal([2, 2, 1], engine.BatchSizes);
        Assert.Equal(Enumerable.Range(1, 5).SelectMany(v => new[] { v * 10f, v * 10f + 1, v * 10f + 2 }), work.Logits);
    }

    [Fact]
    public async Task A_slice_that_does_not_fit_waits_for_the_next_batch()
    {
        var engine = new FakeEngine();
        var time = new FakeTimeProvider();
        using var batcher = Create(engine, time, maxBatch: 4);
        var three = batcher.Submit(Images(1, 2, 3), 3, Token);
        var two = batcher.Submit(Images(4, 5), 2, Token);
        var one = batcher.Submit(Images(6), 1, Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(three.Completion, two.Completion, one.Completion).WithinLimit();
        // 3 + 2 would pass 4: the batch of 3 leaves, holding the 2 for the next one, which the 1 joins.
        Assert.Equal([3, 3], engine.BatchSizes);
        Assert.Equal([40f, 41, 42, 50, 51, 52], two.Logits);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_the_queued_requests_still_complete()
    {
        var engine = new FakeEngine();
        var time = new FakeTimeProvider();
        var metrics = new ServerMetrics();
        using var batcher = Create(engine, time, maxBatch: 8, maxQueue: 2, metrics: metrics);
        var first = batcher.Submit(Images(1), 1, Token);
        var second = batcher.Submit(Images(2), 1, Token);
        var refused = Assert.Throws<InferenceException>(() => batcher.Submit(Images(3), 1, Token));
        Assert.Equal(InferenceStatus.Overloaded, refused.Status);
        Assert.Contains("queue is full", refused.Message);
        Assert.Equal(2, batcher.Pending);
        time.Advance(TimeSpan.FromMilliseconds(2));
        await Task.WhenAll(first.Completion, second.Completion).WithinLimit();
        Assert.Equal([2], engine.BatchSizes);
        Assert.Equal(0, batcher.Pending);
        var again = batcher.Submit(Images(4), 1, Token);
        time.Advance(TimeSpan.FromMilliseconds(2));
        await again.Completion.WithinLimit();
    }

    [Fact]
    public async Task An_engine_failure_fails_that_batch_only()
    {
        var engine = new FakeEngine { FailOn = run => run == 1 ? new RexNetException(RexNetErrorCode.DeviceFailure, "cuLaunchKernel failed") : null };
        var time = new FakeTimeProvider();
        using var batcher = Create(engine, time, maxBatch: 2, delayUs: 0);
        var failed = batcher.Submit(Images(1), 1, Token);
        var error = await Assert.ThrowsAsync<InferenceException>(() => failed.Completion.WithinLimit());
        Assert.Equal(InferenceStatus.Internal, error.Status);
        Assert.Contains("cuLaunchKernel failed", error.Message);
        var next = batcher.Submit(Images(2), 1, Token);
        await next.Completion.WithinLimit();
        Assert.Equal([20f, 21, 22], next.Logits);
    }

    [Fact]
    public async Task A_request_whose_client_left_is_not_run()
    {
        var engine = new FakeEngine();
        var time = new FakeTimeProvider();
        using var batcher = Create(engine, time, maxBatch: 2);
        // Its client is already gone when the batcher reaches it (as after a disconnect while queued).
        var abandoned = batcher.Submit(Images(1), 1, new CancellationToken(canceled: true));
        var other = batcher.Submit(Images(2), 1, Token);
        var third = batcher.Submit(Images(3), 1, Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(other.Completion, third.Completion).WithinLimit();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.Completion.WithinLimit());
        Assert.Equal([2], engine.BatchSizes);
        Assert.Equal(0, batcher.Pending);
    }

    /// <summary>An engine that runs the image whose first pixel is <paramref name="pixel"/> only when the test lets it.</summary>
    private sealed class GatedEngine(float pixel)
    {
        public ManualResetEventSlim Started { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public int Runs;

        public void Run(ReadOnlySpan<float> input, Span<float> logits)
        {
            Interlocked.Increment(ref Runs);
            if (input[0] == pixel)
            {
                Started.Set();
                Assert.True(Release.Wait(Bounded.Limit, Token));
            }
            logits.Fill(input[0]);
        }
    }

    [Fact]
    public async Task A_failed_request_completes_only_once_its_other_slices_stopped_running()
    {
        // Two engines each take one slice of a two-image request: one fails while the other is still reading the
        // request's images. Completing then would let the request hand its buffer back under a running batch.
        var gated = new GatedEngine(pixel: 2);
        BatchRunner failing = (input, logits) =>
        {
            Assert.True(gated.Started.Wait(Bounded.Limit, Token));
            throw new RexNetException(RexNetErrorCode.DeviceFailure, "engine 0 failed");
        };
        BatchRunner runner = (input, logits) =>
        {
            if (input[0] == 1)
            {
                failing(input, logits);
            }
            gated.Run(input, logits);
        };
        using var batcher = new DynamicBatcher(new BatcherSettings(1, TimeSpan.Zero, 16, Per, Classes), [runner, runner], new FakeTimeProvider(),
            new ServerMetrics().ForModel("m", "1"), NullLogger.Instance);
        var work = batcher.Submit(Images(1, 2), 2, Token);
        Assert.True(SpinWait.SpinUntil(() => work.HasFailed, Bounded.Limit));
        Assert.False(work.Completion.IsCompleted);
        gated.Release.Set();
        var error = await Assert.ThrowsAsync<InferenceException>(() => work.Completion.WithinLimit());
        Assert.Contains("engine 0 failed", error.Message);
    }

    [Fact]
    public async Task A_request_whose_client_leaves_during_a_run_completes_after_that_run_and_skips_the_rest()
    {
        var engine = new GatedEngine(pixel: 1);
        using var batcher = new DynamicBatcher(new BatcherSettings(1, TimeSpan.Zero, 16, Per, Classes), [engine.Run], new FakeTimeProvider(),
            new ServerMetrics().ForModel("m", "1"), NullLogger.Instance);
        using var client = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var work = batcher.Submit(Images(1, 2, 3), 3, client.Token);
        Assert.True(engine.Started.Wait(Bounded.Limit, Token));
        client.Cancel();
        Assert.False(work.Completion.IsCompleted);
        engine.Release.Set();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work.Completion.WithinLimit());
        Assert.Equal(1, engine.Runs);
        Assert.Equal(0, batcher.Pending);
    }

    [Fact]
    public async Task Slices_queued_behind_a_failed_one_are_dropped_and_the_request_fails()
    {
        var engine = new FakeEngine { FailOn = run => run == 1 ? new RexNetException(RexNetErrorCode.DeviceFailure, "first batch failed") : null };
        using var batcher = Create(engine, new FakeTimeProvider(), maxBatch: 1, delayUs: 0);
        var work = batcher.Submit(Images(1, 2, 3), 3, Token);
        var error = await Assert.ThrowsAsync<InferenceException>(() => work.Completion.WithinLimit());
        Assert.Contains("first batch failed", error.Message);
        Assert.Equal([1], engine.BatchSizes);
        Assert.Equal(0, batcher.Pending);
    }

    [Fact]
    public void Draining_stops_waiting_and_disposing_runs_what_is_queued()
    {
        var engine = new FakeEngine();
        var time = new FakeTimeProvider();
        var batcher = Create(engine, time, maxBatch: 8, delayUs: 10_000_000);
        var works = Enumerable.Range(0, 3).Select(i => batcher.Submit(Images(i), 1, Token)).ToArray();
        batcher.BeginDrain();
        batcher.Dispose();
        Assert.All(works, w => Assert.True(w.Completion.IsCompletedSuccessfully));
        Assert.Equal(3, engine.BatchSizes.Sum());
        var late = Assert.Throws<InferenceException>(() => batcher.Submit(Images(9), 1, Token));
        Assert.Equal(InferenceStatus.Unavailable, late.Status);
    }

    [Fact]
    public async Task Two_engines_share_one_queue()
    {
        var first = new FakeEngine();
        var second = new FakeEngine();
        var time = new FakeTimeProvider();
        using var batcher = new DynamicBatcher(new BatcherSettings(1, TimeSpan.Zero, 64, Per, Classes), [first.Run, second.Run], time,
            new ServerMetrics().ForModel("m", "1"), NullLogger.Instance);
        var works = Enumerable.Range(0, 20).Select(i => batcher.Submit(Images(i), 1, Token)).ToArray();
        await Task.WhenAll(works.Select(w => w.Completion)).WithinLimit();
        Assert.Equal(20, first.BatchSizes.Count + second.BatchSizes.Count);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i * 10f, works[i].Logits[0]);
        }
    }
}
