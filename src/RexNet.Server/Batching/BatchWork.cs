namespace RexNet.Server.Batching;

/// <summary>
/// One request's images travelling through the batcher. A request larger than a batch is cut into slices; its
/// task completes when every slice has settled (run, failed, or been dropped), never before: from then on no batch
/// reads <see cref="Images"/>, so the request may release the memory under them. It fails with the first error,
/// is canceled if a slice was dropped for the client going away, and succeeds otherwise.
/// </summary>
internal sealed class BatchWork
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _slicesLeft;
    private int _dispatched;
    private long _computeTicks;
    private Exception? _error;
    private volatile bool _dropped;

    public BatchWork(ReadOnlyMemory<float> images, int count, int numClasses, long enqueuedAt, CancellationToken cancellation)
    {
        Images = images;
        Count = count;
        Logits = new float[count * numClasses];
        EnqueuedAt = enqueuedAt;
        Cancellation = cancellation;
    }

    public ReadOnlyMemory<float> Images { get; }
    public int Count { get; }

    /// <summary>Filled slice by slice: [Count, classes].</summary>
    public float[] Logits { get; }

    /// <summary>TimeProvider timestamp of the moment it entered the queue.</summary>
    public long EnqueuedAt { get; }

    /// <summary>The client went away: slices still queued are dropped.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>From entering the queue to its first slice being handed to an engine.</summary>
    public TimeSpan QueueTime { get; private set; }

    /// <summary>Engine time of the batches its slices ran in.</summary>
    public TimeSpan ComputeTime => TimeSpan.FromTicks(Interlocked.Read(ref _computeTicks));

    public Task Completion => _done.Task;

    /// <summary>A slice has failed: the request's remaining slices need not run.</summary>
    public bool HasFailed => Volatile.Read(ref _error) is not null;

    internal void SetSlices(int slices) => _slicesLeft = slices;

    /// <summary>Records the queue time when the first slice is dispatched.</summary>
    internal void Dispatched(TimeSpan waited)
    {
        if (Interlocked.Exchange(ref _dispatched, 1) == 0)
        {
            QueueTime = waited;
        }
    }

    /// <summary>One slice ran.</summary>
    internal void SliceDone(TimeSpan compute)
    {
        Interlocked.Add(ref _computeTicks, compute.Ticks);
        Settle();
    }

    /// <summary>One slice's batch failed; the first error is the request's.</summary>
    internal void SliceFailed(Exception error)
    {
        Interlocked.CompareExchange(ref _error, error, null);
        Settle();
    }

    /// <summary>One slice was not run: the client went away or another slice failed.</summary>
    internal void SliceDropped()
    {
        _dropped = true;
        Settle();
    }

    /// <summary>The last slice to settle completes the request.</summary>
    private void Settle()
    {
        if (Interlocked.Decrement(ref _slicesLeft) != 0)
        {
            return;
        }
        if (Volatile.Read(ref _error) is { } error)
        {
            _done.TrySetException(error);
        }
        else if (_dropped)
        {
            _done.TrySetCanceled(Cancellation);
        }
        else
        {
            _done.TrySetResult();
        }
    }
}

/// <summary>Images [Start, Start + Count) of one request: the unit the batcher packs into batches.</summary>
internal readonly record struct BatchSlice(BatchWork Work, int Start, int Count, bool Last);
