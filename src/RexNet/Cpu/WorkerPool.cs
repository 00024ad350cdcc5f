using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace RexNet.Cpu;

/// <summary>A unit of parallel work: tasks 0..count-1, each run once on some worker.</summary>
internal interface IParallelJob
{
    void Execute(int task, int worker);
}

/// <summary>
/// Persistent worker threads that run one job at a time, with the caller as worker 0; tasks are handed out
/// one at a time from a shared counter. A network run is ~45 short jobs back to back, so a helper waits for
/// the next job by spinning on a generation counter (it sees a new job within a fraction of a microsecond),
/// then yielding between checks, and only blocks, on a lock object of its own made up front, after
/// <see cref="SpinMicroseconds"/> without one. Nothing is allocated after construction: not per job, not
/// when a helper first blocks.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How long an idle helper spins before it blocks: far longer than the gap between two jobs of a run.</summary>
    private const int SpinMicroseconds = 200;

    private readonly Thread[] _threads;
    private readonly Helper[] _helpers;
    private IParallelJob? _job;
    private int _taskCount;
    private int _nextTask;
    private int _activeHelpers;
    private int _generation;
    private volatile bool _stopping;
    private bool _disposed;
    private ExceptionDispatchInfo? _failure;

    /// <summary>A helper's blocking state, apart from the others' so that they do not share cache lines.</summary>
    private sealed class Helper
    {
        public readonly object Gate = new();
        public int Sleeping;
    }

    /// <summary>Workers including the calling thread.</summary>
    public int WorkerCount => _threads.Length + 1;

    public WorkerPool(int workers)
    {
        if (workers < 1)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"a worker pool needs at least one worker, got {workers}");
        }
        _threads = new Thread[workers - 1];
        _helpers = new Helper[workers - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int index = i;
            _helpers[i] = new Helper();
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
        // A full fence: the job is visible before the new generation, and the generation before Sleeping is read.
        Interlocked.Increment(ref _generation);
        foreach (var helper in _helpers)
        {
            if (Volatile.Read(ref helper.Sleeping) != 0)
            {
                lock (helper.Gate)
                {
                    Monitor.Pulse(helper.Gate);
                }
            }
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
        var helper = _helpers[index];
        int seen = 0;
        while (true)
        {
            WaitForGeneration(helper, seen);
            if (_stopping)
            {
                return;
            }
            seen = Volatile.Read(ref _generation);
            Work(index + 1);
            Interlocked.Decrement(ref _activeHelpers);
        }
    }

    /// <summary>Returns once the generation is past <paramref name="seen"/> or the pool is stopping.</summary>
    private void WaitForGeneration(Helper helper, int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
        for (int i = 0; Volatile.Read(ref _generation) == seen && !_stopping; i++)
        {
            // Spin briefly, then yield between checks: on a machine busier than its cores, a spinning helper
            // would take the time slice the thread running the current job (maybe this pool's caller) needs.
            if (i < 256)
            {
                Thread.SpinWait(8);
                continue;
            }
            Thread.Yield();
            if (Stopwatch.GetTimestamp() > deadline)
            {
                lock (helper.Gate)
                {
                    // Dekker with Run: Sleeping is set (full fence) before the generation is read again, and Run
                    // increments the generation (full fence) before it reads Sleeping, so one of them sees the other.
                    Interlocked.Exchange(ref helper.Sleeping, 1);
                    while (Volatile.Read(ref _generation) == seen && !_stopping)
                    {
                        Monitor.Wait(helper.Gate);
                    }
                    Volatile.Write(ref helper.Sleeping, 0);
                }
                return;
            }
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
        foreach (var helper in _helpers)
        {
            lock (helper.Gate)
            {
                Monitor.Pulse(helper.Gate);
            }
        }
        foreach (var t in _threads)
        {
            t.Join();
        }
    }
}
