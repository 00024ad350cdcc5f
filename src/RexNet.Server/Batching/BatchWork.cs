namespace RexNet.Server.Batching;

/// <summary>
/// One request's images travelling through the batcher. A request larger than a batch is cut into slices; its
/// task completes when every slice has run, or fails with the first error.
/// </summary>
internal sealed class BatchWork
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _slicesLeft;
    private int _dispatched;
    private long _computeTicks;

    public BatchWork(float[] images, int count, int numClasses, long enqueuedAt, CancellationToken cancellation)
    {
        Images = images;
        Count = count;
        Logits = new float[count * numClasses];
        EnqueuedAt = enqueuedAt;
        Cancellation = cancellation;
    }

    public float[] Images { get; }
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

    public bool IsFinished => _done.Task.IsCompleted;

    internal void SetSlices(int slices) => _slicesLeft = slices;

    /// <summary>Records the queue time when the first slice is dispatched.</summary>
    internal void Dispatched(TimeSpan waited)
    {
        if (Interlocked.Exchange(ref _dispatched, 1) == 0)
        {
            QueueTime = waited;
        }
    }

    /// <summary>One slice ran; the last one completes the request.</summary>
    internal void SliceDone(TimeSpan compute)
    {
        Interlocked.Add(ref _computeTicks, compute.Ticks);
        if (Interlocked.Decrement(ref _slicesLeft) == 0)
        {
            _done.TrySetResult();
        }
    }

    internal void Fail(Exception error) => _done.TrySetException(error);

    internal void Cancel() => _done.TrySetCanceled(Cancellation);
}

/// <summary>Images [Start, Start + Count) of one request: the unit the batcher packs into batches.</summary>
internal readonly record struct BatchSlice(BatchWork Work, int Start, int Count, bool Last);
