using RexNet.Cli.Benchmarking;

namespace RexNet.Cli.Reports;

/// <summary>`rexnet bench`: latency per batch size of one engine.</summary>
internal sealed record BenchReport(
    string Model, int Height, int Width, string Device, string DeviceReason, int Runs, int Warmup, int Threads, int? DeviceOps,
    MachineInfo Machine, IReadOnlyDictionary<string, string>? DeviceInfo, string TimestampUtc, BenchRow[] Results);

/// <summary>One batch size: the caller's wall time per Engine.Run (and on a GPU the device time of the graph).</summary>
internal sealed record BenchRow(
    int Batch, int Runs, double MeanMs, double P50Ms, double P90Ms, double P95Ms, double P99Ms, double MinMs, double MaxMs, double ImagesPerS,
    LatencyStats? GpuMs, BenchStep[]? Profile)
{
    public static BenchRow Of(int batch, LatencyStats call, LatencyStats? gpu, BenchStep[]? profile) =>
        new(batch, call.Runs, call.Mean, call.P50, call.P90, call.P95, call.P99, call.Min, call.Max, batch * 1000.0 / call.P50, gpu, profile);
}

/// <summary>Mean milliseconds of one step of the CPU engine's plan (bench --profile).</summary>
internal sealed record BenchStep(string Step, double MeanMs);

/// <summary>`rexnet bench-onnx`: our CPU engine and ONNX Runtime on the same model and inputs.</summary>
internal sealed record BenchOnnxReport(
    string Model, int Height, int Width, int Threads, int Runs, int Warmup, string OnnxRuntime, MachineInfo Machine, string TimestampUtc,
    BenchOnnxRow[] Results);

/// <summary>One batch size on one engine.</summary>
internal sealed record BenchOnnxRow(
    int Batch, string Engine, int Runs, double MeanMs, double P50Ms, double P90Ms, double P95Ms, double P99Ms, double ImagesPerS, double MaxAbsDiff)
{
    public static BenchOnnxRow Of(int batch, string engine, LatencyStats l, double diff) =>
        new(batch, engine, l.Runs, l.Mean, l.P50, l.P90, l.P95, l.P99, batch * 1000.0 / l.P50, diff);
}
