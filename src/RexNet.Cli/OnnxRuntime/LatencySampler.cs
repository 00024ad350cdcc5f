using System.Diagnostics;

namespace RexNet.Cli.OnnxRuntime;

/// <summary>p50/p90/p99 of one call's wall time in milliseconds.</summary>
internal sealed record Latency(double P50, double P90, double P99)
{
    /// <summary>
    /// Times several calls round-robin (a, b, a, b, ...) after a warm-up of each, so that load from other
    /// processes on a shared machine falls on all of them alike and their ratio stays meaningful.
    /// </summary>
    public static Latency[] MeasureInterleaved(IReadOnlyList<Action> calls, int warmup, int runs)
    {
        foreach (var call in calls)
        {
            for (int i = 0; i < warmup; i++)
            {
                call();
            }
        }
        var ms = calls.Select(_ => new double[runs]).ToArray();
        for (int r = 0; r < runs; r++)
        {
            for (int c = 0; c < calls.Count; c++)
            {
                long t0 = Stopwatch.GetTimestamp();
                calls[c]();
                ms[c][r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }
        return ms.Select(Percentiles).ToArray();
    }

    private static Latency Percentiles(double[] ms)
    {
        Array.Sort(ms);
        double At(double q) => ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(q * ms.Length) - 1)];
        return new Latency(At(0.50), At(0.90), At(0.99));
    }
}
