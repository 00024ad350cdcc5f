using System.Diagnostics;

namespace RexNet.Cli.Benchmarking;

/// <summary>Times several engines on a shared machine so that their ratio stays meaningful.</summary>
internal static class InterleavedTimer
{
    /// <summary>Timed calls per turn: both engines keep worker threads spinning for a moment after a call, so
    /// strict a, b, a, b alternation would time each engine against the other's spinning threads.</summary>
    private const int Block = 5;

    private static readonly TimeSpan IdleBeforeBlock = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Times several calls in alternating blocks (a×5, b×5, a×5, ...) after a warm-up of each, so that load
    /// from other processes on a shared machine falls on all of them alike and their ratio stays meaningful.
    /// Each block starts after a pause long enough for the previous engine's spinning threads to go idle (ONNX
    /// Runtime's intra-op pool spins for milliseconds after a run; on two cores it would otherwise take the time
    /// slices of the next engine's helpers), then one untimed call.
    /// </summary>
    public static LatencyStats[] Measure(IReadOnlyList<Action> calls, int warmup, int runs)
    {
        foreach (var call in calls)
        {
            for (int i = 0; i < warmup; i++)
            {
                call();
            }
        }
        var ms = calls.Select(_ => new double[runs]).ToArray();
        for (int start = 0; start < runs; start += Block)
        {
            for (int c = 0; c < calls.Count; c++)
            {
                Thread.Sleep(IdleBeforeBlock);
                calls[c]();
                for (int r = start; r < Math.Min(runs, start + Block); r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    calls[c]();
                    ms[c][r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
            }
        }
        return ms.Select(LatencyStats.Of).ToArray();
    }
}
