namespace RexNet.Cli.Benchmarking;

/// <summary>
/// Summary of one call's wall times in milliseconds. Percentiles are nearest-rank over <see cref="Runs"/> samples
/// (the smallest sample with at least q of all samples at or below it), so with fewer than 100 runs p99 is the
/// slowest run and with fewer than 20 so is p95: reports say how many runs they rest on.
/// </summary>
internal sealed record LatencyStats(int Runs, double Mean, double P50, double P90, double P95, double P99, double Min, double Max)
{
    public static LatencyStats Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(milliseconds));
        }
        double[] sorted = [.. milliseconds.Order()];
        double At(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencyStats(sorted.Length, sorted.Average(), At(0.50), At(0.90), At(0.95), At(0.99), sorted[0], sorted[^1]);
    }

    /// <summary>The note a table prints under its header.</summary>
    public static string Note(int runs, int warmup) =>
        $"{runs} timed runs per row after {warmup} warm-up; percentiles are nearest-rank over those {runs} runs" +
        (runs < 100 ? $" (p99 is the slowest run{(runs < 20 ? ", and so is p95" : "")})" : "");
}
