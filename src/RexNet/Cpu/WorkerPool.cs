using System.Runtime.ExceptionServices;

namespace RexNet.Cpu;

/// <summary>A unit of parallel work: tasks 0..count-1, each run once on some worker.</summary>
internal interface IParallelJob
{
    void Execute(int task, int worker);
}

/// <summary>
/// Persistent worker threads that run one job at a time, with the caller as worker 0. Unlike
/// Parallel.For it allocates nothing per job. A network run is ~100 short jobs back to back, so each
/// helper waits on its own ManualResetEventSlim that spins before it blocks: waking a blocked thread
/// costs tens of microseconds per job, which would dominate the small late layers.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>SpinWait iterations before a helper blocks (the most ManualResetEventSlim allows).</summary>
    private const int SpinCount = 2047;

    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _go;
    private IParallelJob? _job;
    private int _taskCount;
    private int _nextTask;
    private int _activeHelpers;
    private volatile bool _stopping;
    private bool _disposed;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Workers including the calling thread.</summary>
    public int WorkerCount => _threads.Length + 1;

    public WorkerPool(int workers)
    {
        if (workers < 1)
        {
            throw new ArgumentException($"a worker pool needs at least one worker, got {workers}");
        }
        _threads = new Thread[workers - 1];
        _go = new ManualResetEventSlim[workers - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int index = i;
            _go[i] = new ManualResetEventSlim(false, SpinCount);
            _threads[i] = new Thread(() => HelperLoop(index)) { IsBackground = true, Name = $"rexnet-cpu-{index + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs every task of <paramref name="job"/> and returns when all are done; rethrows the first failure.</summary>
    public void Run(IParallelJob job, int taskCount)
    {
        // After Dispose the helpers are gone: waiting for them would spin forever.
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (taskCount <= 1 || _threads.Length == 0)
        {
            for (int t = 0; t < taskCount; t++)
            {
                job.Execute(t, 0);
            }
            return;
        }
        _job = job;
        _taskCount = taskCount;
        _nextTask = 0;
        _failure = null;
        _activeHelpers = _threads.Length;
        foreach (var go in _go)
        {
            go.Set();
        }
        Work(0);
        var spin = new SpinWait();
        while (Volatile.Read(ref _activeHelpers) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        _job = null;
        _failure?.Throw();
    }

    private void Work(int worker)
    {
        var job = _job!;
        int t;
        while ((t = Interlocked.Increment(ref _nextTask) - 1) < _taskCount)
        {
            try
            {
                job.Execute(t, worker);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                // Skip the remaining tasks: the run has failed.
                Interlocked.Exchange(ref _nextTask, _taskCount);
            }
        }
    }

    private void HelperLoop(int index)
    {
        var go = _go[index];
        // A blocking wait creates the event's lock object lazily, on the waiting thread. Block once now
        // (1 ms at most), so that a helper which first blocks mid-run under load allocates nothing then.
        go.Wait(1);
        while (true)
        {
            go.Wait();
            // Reset before reporting done: the next Set can only come after the decrement below.
            go.Reset();
            if (_stopping)
            {
                return;
            }
            Work(index + 1);
            Interlocked.Decrement(ref _activeHelpers);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stopping = true;
        foreach (var go in _go)
        {
            go.Set();
        }
        foreach (var t in _threads)
        {
            t.Join();
        }
        foreach (var go in _go)
        {
            go.Dispose();
        }
    }
}
