using System.Runtime.ExceptionServices;

namespace RexNet.Cpu;

/// <summary>A unit of parallel work: tasks 0..count-1, each run once on some worker.</summary>
public interface IParallelJob
{
    void Execute(int task, int worker);
}

/// <summary>
/// Persistent worker threads that run one job at a time, with the caller as worker 0. Unlike
/// Parallel.For it allocates nothing per job, which keeps a run of the network allocation-free.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _start = new(0);
    private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
    private IParallelJob? _job;
    private int _taskCount;
    private int _nextTask;
    private int _activeHelpers;
    private volatile bool _stopping;
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
        for (int i = 0; i < _threads.Length; i++)
        {
            int id = i + 1;
            _threads[i] = new Thread(() => HelperLoop(id)) { IsBackground = true, Name = $"rexnet-cpu-{id}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs every task of <paramref name="job"/> and returns when all are done; rethrows the first failure.</summary>
    public void Run(IParallelJob job, int taskCount)
    {
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
        int helpers = Math.Min(_threads.Length, taskCount - 1);
        _activeHelpers = helpers;
        _done.Reset();
        _start.Release(helpers);
        Work(0);
        _done.Wait();
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

    private void HelperLoop(int id)
    {
        while (true)
        {
            _start.Wait();
            if (_stopping)
            {
                return;
            }
            Work(id);
            if (Interlocked.Decrement(ref _activeHelpers) == 0)
            {
                _done.Set();
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        if (_threads.Length > 0)
        {
            _start.Release(_threads.Length);
        }
        foreach (var t in _threads)
        {
            t.Join();
        }
        _start.Dispose();
        _done.Dispose();
    }
}
