using System.Diagnostics;

namespace RexNet.Cli.OnnxRuntime;

/// <summary>p50/p90/p99 of one call's wall time over many runs after a warm-up.</summary>
internal sealed record Latency(double P50, double P90, double P99)
{
    public static Latency Measure(Action call, int warmup, int runs)
    {
        for (int i = 0; i < warmup; i++)
        {
            call();
        }
        var ms = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(ms);
        double At(double q) => ms[Math.Min(runs - 1, (int)Math.Ceiling(q * runs) - 1)];
        return new Latency(At(0.50), At(0.90), At(0.99));
    }
}
