using RexNet.Cli.Benchmarking;

namespace RexNet.Cli.Reports;

/// <summary>`rexnet bench-serve`: every cell of the grid, each beside the engine alone measured around it.</summary>
internal sealed record BenchServeReport(
    string Model, int Size, string Device, double Seconds, double WarmupSeconds, int MaxBatch, int MaxDelayUs, MachineInfo Machine,
    string TimestampUtc, BenchServeCell[] Cells);

/// <summary>One cell; a transport-only cell (the server answering without running the engine) has no engine beside it,
/// so no overhead or ratio either.</summary>
internal sealed record BenchServeCell(
    string Batching, string Transport, int Concurrency, bool TransportOnly, int Requests, int Errors, double RequestsPerS, double P50Ms,
    double P99Ms, double? P50OverheadMs, double? ThroughputVsEngine, double? CpuMsPerRequest, double? CpuMsPerEngineCall,
    BenchServeCost PerRequest, BenchServeEngine? Engine);

/// <summary>The process (server and clients) per request over the timed window: CPU (at concurrency 1 including the
/// alternating engine call), managed allocation, and collections of each generation per 1000 requests.</summary>
internal sealed record BenchServeCost(double CpuMs, double AllocatedKB, double Gen0PerThousand, double Gen1PerThousand, double Gen2PerThousand);

/// <summary>The engine alone: batch-1 latency and images/s per batch size (keys are batch sizes).</summary>
internal sealed record BenchServeEngine(double Batch1P50Ms, double Batch1P99Ms, int BestBatch, double BestImagesPerS, IReadOnlyDictionary<string, double> ImagesPerS);
