using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RexNet.Server.Inference;
using RexNet.Server.Metrics;

namespace RexNet.Server.Batching;

/// <summary>
/// One bounded queue in front of the engines. Each engine has a worker thread; a worker that is free forms the
/// next batch: it takes queued slices up to MaxBatch images, waiting for more until MaxDelay after the oldest
/// one entered the queue (no longer), runs the batch on its engine and splits the logits back to the requests.
/// A full queue refuses at once. All waiting goes through the <see cref="TimeProvider"/>, so tests control it.
/// Disposing stops admission, runs everything still queued, and joins the workers.
/// </summary>
internal sealed class DynamicBatcher : IDisposable
{
    private readonly BatcherSettings _settings;
    private readonly TimeProvider _time;
    private readonly ServerMetrics.ModelMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<BatchSlice> _queue = Channel.CreateUnbounded<BatchSlice>();
    private readonly SemaphoreSlim _forming = new(1, 1);
    private readonly CancellationTokenSource _drain = new();
    private readonly Lock _admission = new();
    private readonly Thread[] _workers;
    private readonly long _delayTimestamps;
    private BatchSlice? _held;
    private int _pending;
    private long _batches;
    private bool _closed;

    public DynamicBatcher(BatcherSettings settings, IReadOnlyList<BatchRunner> runners, TimeProvider time,
        ServerMetrics.ModelMetrics metrics, ILogger logger)
    {
        if (runners.Count == 0)
        {
            throw new RexNetException(RexNetErrorCode.Internal, "the batcher needs at least one engine");
        }
        _settings = settings;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _delayTimestamps = (long)Math.Ceiling(settings.MaxDelay.TotalSeconds * time.TimestampFrequency);
        _workers = new Thread[runners.Count];
        for (int i = 0; i < runners.Count; i++)
        {
            var runner = runners[i];
            _workers[i] = new Thread(() => WorkerLoop(runner)) { IsBackground = true, Name = $"rexnet-engine-{i}" };
            _workers[i].Start();
        }
    }

    /// <summary>Requests admitted and not yet handed (in full) to an engine.</summary>
    public int Pending
    {
        get
        {
            lock (_admission)
            {
                return _pending;
            }
        }
    }

    /// <summary>Engine runs so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Queues a request's images; the returned work completes once its logits are in, or once every slice has
    /// been run or dropped when one failed or the client left. <paramref name="images"/> is read until then.</summary>
    public BatchWork Submit(ReadOnlyMemory<float> images, int count, CancellationToken cancellation)
    {
        int maxBatch = _settings.MaxBatch;
        lock (_admission)
        {
            if (_closed)
            {
                throw new InferenceException(InferenceStatus.Unavailable, "the server is shutting down");
            }
            if (_pending >= _settings.MaxQueue)
            {
                throw new InferenceException(InferenceStatus.Overloaded,
                    $"the queue is full ({_settings.MaxQueue} requests waiting for an engine); retry later");
            }
            var work = new BatchWork(images, count, _settings.NumClasses, _time.GetTimestamp(), cancellation);
            int slices = (count + maxBatch - 1) / maxBatch;
            work.SetSlices(slices);
            for (int s = 0; s < slices; s++)
            {
                int start = s * maxBatch;
                _queue.Writer.TryWrite(new BatchSlice(work, start, Math.Min(maxBatch, count - start), s == slices - 1));
            }
            _pending++;
            _metrics.SetPending(_pending);
            return work;
        }
    }

    /// <summary>From now on batches stop waiting for company: what is queued runs as soon as an engine is free.</summary>
    public void BeginDrain() => _drain.Cancel();

    public void Dispose()
    {
        lock (_admission)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
        }
        _queue.Writer.TryComplete();
        _drain.Cancel();
        foreach (var worker in _workers)
        {
            worker.Join();
        }
        _drain.Dispose();
        _forming.Dispose();
    }

    private void WorkerLoop(BatchRunner runner)
    {
        var input = new float[_settings.MaxBatch * _settings.ImageElements];
        var logits = new float[_settings.MaxBatch * _settings.NumClasses];
        var batch = new List<BatchSlice>(_settings.MaxBatch);
        // A dedicated thread per engine: a run blocks for milliseconds and must not hold a thread-pool thread.
        while (FormBatchAsync(batch).GetAwaiter().GetResult())
        {
            Execute(runner, batch, input, logits);
            batch.Clear();
        }
    }

    /// <summary>Fills <paramref name="batch"/>; false once the queue is closed and empty.</summary>
    private async Task<bool> FormBatchAsync(List<BatchSlice> batch)
    {
        await _forming.WaitAsync().ConfigureAwait(false);
        try
        {
            int images = 0;
            long deadline = 0;
            while (images < _settings.MaxBatch)
            {
                if (!TryTake(out var slice))
                {
                    if (batch.Count == 0)
                    {
                        if (!await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
                        {
                            return false;
                        }
                        continue;
                    }
                    if (_drain.IsCancellationRequested || !await WaitForMoreAsync(deadline).ConfigureAwait(false))
                    {
                        break;
                    }
                    continue;
                }
                if (Dropped(slice))
                {
                    continue;
                }
                if (images + slice.Count > _settings.MaxBatch)
                {
                    _held = slice;
                    break;
                }
                if (batch.Count == 0)
                {
                    deadline = slice.Work.EnqueuedAt + _delayTimestamps;
                }
                batch.Add(slice);
                images += slice.Count;
            }
            long now = _time.GetTimestamp();
            foreach (var slice in batch)
            {
                slice.Work.Dispatched(_time.GetElapsedTime(slice.Work.EnqueuedAt, now));
                if (slice.Last)
                {
                    Released();
                }
            }
            return true;
        }
        finally
        {
            _forming.Release();
        }
    }

    private bool TryTake(out BatchSlice slice)
    {
        if (_held is { } held)
        {
            _held = null;
            slice = held;
            return true;
        }
        return _queue.Reader.TryRead(out slice);
    }

    /// <summary>Slices of requests that already failed, or whose client went away, are not run.</summary>
    private bool Dropped(BatchSlice slice)
    {
        if (slice.Work.HasFailed || slice.Work.Cancellation.IsCancellationRequested)
        {
            slice.Work.SliceDropped();
            if (slice.Last)
            {
                Released();
            }
            return true;
        }
        return false;
    }

    /// <summary>Waits until more is queued (true), or the deadline passes, the queue closes or draining starts (false).</summary>
    private async Task<bool> WaitForMoreAsync(long deadline)
    {
        long now = _time.GetTimestamp();
        if (now >= deadline)
        {
            return false;
        }
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_drain.Token);
        var ready = _queue.Reader.WaitToReadAsync(wait.Token).AsTask();
        var timeout = Task.Delay(_time.GetElapsedTime(now, deadline), _time, wait.Token);
        // The delay counts from its creation: had the clock passed the deadline meanwhile, it would fire too late.
        if (_time.GetTimestamp() >= deadline)
        {
            wait.Cancel();
            return ready.IsCompletedSuccessfully && ready.Result;
        }
        var first = await Task.WhenAny(ready, timeout).ConfigureAwait(false);
        wait.Cancel();
        return first == ready && ready.IsCompletedSuccessfully && ready.Result;
    }

    private void Released()
    {
        lock (_admission)
        {
            _pending--;
            _metrics.SetPending(_pending);
        }
    }

    private void Execute(BatchRunner runner, List<BatchSlice> batch, float[] input, float[] logits)
    {
        int per = _settings.ImageElements;
        int classes = _settings.NumClasses;
        int images = 0;
        foreach (var slice in batch)
        {
            images += slice.Count;
        }
        ReadOnlySpan<float> source;
        if (batch.Count == 1)
        {
            // A batch of one request runs straight from its buffer.
            source = batch[0].Work.Images.Span.Slice(batch[0].Start * per, images * per);
        }
        else
        {
            int offset = 0;
            foreach (var slice in batch)
            {
                slice.Work.Images.Span.Slice(slice.Start * per, slice.Count * per).CopyTo(input.AsSpan(offset * per));
                offset += slice.Count;
            }
            source = input.AsSpan(0, images * per);
        }
        long started = _time.GetTimestamp();
        try
        {
            runner(source, logits.AsSpan(0, images * classes));
        }
        catch (Exception e)
        {
            _logger.LogWarning("engine run of {Images} images failed: {Error}", images, OneLine(e));
            var error = new InferenceException(InferenceStatus.Internal, "the engine failed: " + OneLine(e), e);
            foreach (var slice in batch)
            {
                slice.Work.SliceFailed(error);
            }
            return;
        }
        var compute = _time.GetElapsedTime(started);
        Interlocked.Increment(ref _batches);
        _metrics.Executed(images);
        int done = 0;
        foreach (var slice in batch)
        {
            logits.AsSpan(done * classes, slice.Count * classes).CopyTo(slice.Work.Logits.AsSpan(slice.Start * classes));
            done += slice.Count;
            slice.Work.SliceDone(compute);
        }
    }

    private static string OneLine(Exception e) =>
        (e is RexNetException ? e.Message : $"{e.GetType().Name}: {e.Message}").ReplaceLineEndings(" ");
}
