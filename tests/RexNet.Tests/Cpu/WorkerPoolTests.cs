using RexNet.Cpu;

namespace RexNet.Tests.Cpu;

/// <summary>The worker pool: every task exactly once, failures, disposal, and helpers that wake from blocking.</summary>
public class WorkerPoolTests
{
    private sealed class CountingJob(int tasks) : IParallelJob
    {
        public int[] Runs { get; } = new int[tasks];

        public void Execute(int task, int worker) => Interlocked.Increment(ref Runs[task]);
    }

    /// <summary>Each task waits until every worker has arrived: it completes only if all of them take part.</summary>
    private sealed class RendezvousJob(int workers) : IParallelJob
    {
        private int _arrived;

        public bool[] Seen { get; } = new bool[workers];

        public void Execute(int task, int worker)
        {
            Seen[worker] = true;
            Interlocked.Increment(ref _arrived);
            // A guard, not a timing assertion: a helper that never woke would otherwise hang the test run.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref _arrived) < Seen.Length)
            {
                Assert.True(DateTime.UtcNow < deadline, "a helper did not wake up for the job");
                Thread.Yield();
            }
        }
    }

    private sealed class FailingJob : IParallelJob
    {
        public void Execute(int task, int worker)
        {
            if (task == 3)
            {
                throw new InvalidDataException("task 3 failed");
            }
        }
    }

    [Fact]
    public void EveryTaskRunsExactlyOnceAcrossManyJobsAndIdleGaps()
    {
        using var pool = new WorkerPool(3);
        for (int round = 0; round < 200; round++)
        {
            var job = new CountingJob(1 + round % 17);
            pool.Run(job, job.Runs.Length);
            Assert.All(job.Runs, r => Assert.Equal(1, r));
            if (round % 50 == 0)
            {
                // Long enough for the helpers to stop spinning and block.
                Thread.Sleep(5);
            }
        }
    }

    [Fact]
    public void HelpersThatHaveBlockedStillTakePartInTheNextJob()
    {
        using var pool = new WorkerPool(3);
        for (int round = 0; round < 5; round++)
        {
            Thread.Sleep(5);
            var job = new RendezvousJob(pool.WorkerCount);
            pool.Run(job, pool.WorkerCount);
            Assert.All(job.Seen, Assert.True);
        }
    }

    [Fact]
    public void AFailingTaskIsRethrownAndThePoolStaysUsable()
    {
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<InvalidDataException>(() => pool.Run(new FailingJob(), 8));
        Assert.Equal("task 3 failed", e.Message);
        var job = new CountingJob(8);
        pool.Run(job, 8);
        Assert.All(job.Runs, r => Assert.Equal(1, r));
    }

    [Fact]
    public void RunAfterDisposeThrowsAndDisposeIsIdempotent()
    {
        var pool = new WorkerPool(2);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(new CountingJob(4), 4));
    }

    [Fact]
    public void AtLeastOneWorkerIsRequired()
    {
        var e = Assert.Throws<RexNetException>(() => new WorkerPool(0));
        Assert.Equal(RexNetErrorCode.InvalidArgument, e.Code);
    }
}
