using System.CommandLine;
using System.Globalization;
using RexNet.Cli.Benchmarking;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.Model;
using RexNet.Server.Benchmark;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet bench-serve`: the server's requests/s and latency against concurrency, beside the engine alone.</summary>
internal sealed class BenchServeCommand : RexNetCommand
{
    private static readonly ServeBenchmarkOptions Defaults = new();

    private readonly Option<string?> _model = WeightOptions.ModelOption("the model to serve (random-init weights; speed does not depend on them)", Defaults.Model);
    private readonly Option<int> _size = CliOptions.Int("--size", "square input size of the served model", Defaults.Size, ModelSpec.MinInputSize, InputSizeOptions.Max);
    private readonly Option<DeviceSpec> _device = CliOptions.Device(Defaults.Device, "what to serve on");
    private readonly Option<IntList> _concurrency = CliOptions.IntList("--concurrency", "closed-loop clients per cell, one row of the grid each", [.. Defaults.Concurrency], 1, 4096);
    private readonly Option<int> _seconds = CliOptions.Int("--seconds", "timed seconds per cell", (int)Defaults.Duration.TotalSeconds, 1, 3600, "S");
    private readonly Option<int> _warmup = CliOptions.Int("--warmup-seconds", "untimed seconds before each cell", (int)Defaults.Warmup.TotalSeconds, 0, 600, "S");
    private readonly Option<int?> _threads = CliOptions.Threads("CPU threads of the engine");
    private readonly Option<int> _maxBatch = CliOptions.Int("--max-batch", "the batcher's largest batch when batching is on", Defaults.MaxBatch, 2, 1024);
    private readonly Option<int> _maxDelay = CliOptions.Int("--max-delay-us", "the batcher's wait for a batch to fill, in microseconds", Defaults.MaxDelayMicroseconds, 0, 10_000_000, "US");
    private readonly ReportOptions _report = new(csv: true);

    public BenchServeCommand() : base("bench-serve", "Measure rexnet serve (binary REST and gRPC, batching on and off) at each concurrency against the in-process engine, in one run.")
    {
        Add(_model);
        Add(_size);
        Add(_device);
        Add(_concurrency);
        Add(_seconds);
        Add(_warmup);
        Add(_threads);
        Add(_maxBatch);
        Add(_maxDelay);
        _report.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet bench-serve --output bench-serve.json", "the full grid (some 7 minutes), also as JSON"),
        ("rexnet bench-serve --concurrency 1 --seconds 5", "the server's overhead per request over the engine"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        var target = _report.Open(parse, console, []);
        var options = new ServeBenchmarkOptions
        {
            Model = parse.GetValue(_model)!,
            Size = parse.GetValue(_size),
            Device = parse.GetValue(_device),
            Concurrency = parse.GetValue(_concurrency)!.Values,
            Duration = TimeSpan.FromSeconds(parse.GetValue(_seconds)),
            Warmup = TimeSpan.FromSeconds(parse.GetValue(_warmup)),
            Threads = CliOptions.Threads(parse, _threads, console, Name),
            MaxBatch = parse.GetValue(_maxBatch),
            MaxDelayMicroseconds = parse.GetValue(_maxDelay),
        };
        var w = target.Human;
        w.WriteLine($"{options.Model} {options.Size}x{options.Size} on {options.Device}; {MachineInfo.Current.Summary}; " +
                    $"{options.Duration.TotalSeconds:F0} s per cell after {options.Warmup.TotalSeconds:F0} s warm-up; batching on = max batch {options.MaxBatch}, delay {options.MaxDelayMicroseconds} us");
        var report = ServeBenchmark.RunAsync(options, w).GetAwaiter().GetResult();
        var inv = CultureInfo.InvariantCulture;
        foreach (var cell in report.Cells.Where(c => c.Concurrency == 1))
        {
            w.WriteLine(cell.TransportOnly
                ? string.Format(inv, "c=1  {0,-11} no engine   : p50 round trip {1:F2} ms, the floor under the overhead on this machine", cell.Transport, cell.P50Ms)
                : string.Format(inv, "c=1  {0,-11} batching {1,-3}: p50 overhead {2:F2} ms over the engine; CPU {3:F2} ms per request, {4:F2} ms per engine call",
                    cell.Transport, cell.Batching, cell.P50OverheadMs, cell.CpuMs?.Request, cell.CpuMs?.Engine));
        }
        foreach (var cell in report.Cells.Where(c => c.Concurrency == 32))
        {
            w.WriteLine(cell.TransportOnly
                ? string.Format(inv, "c=32 {0,-11} no engine   : {1:F2} ms of CPU per request (server and clients), taken from the engine's cores", cell.Transport, cell.Cost.CpuMs)
                : string.Format(inv, "c=32 {0,-11} batching {1,-3}: {2:F2}x the engine's best images/s", cell.Transport, cell.Batching, cell.ThroughputRatio));
        }
        var cells = report.Cells.Select(c => new BenchServeCell(c.Batching, c.Transport, c.Concurrency, c.TransportOnly, c.Requests, c.Errors,
            c.RequestsPerSecond, c.P50Ms, c.P99Ms, c.P50OverheadMs, c.ThroughputRatio, c.CpuMs?.Request, c.CpuMs?.Engine,
            new BenchServeCost(c.Cost.CpuMs, c.Cost.AllocatedKB, c.Cost.Gen0PerK, c.Cost.Gen1PerK, c.Cost.Gen2PerK),
            c.Engine is { } e
                ? new BenchServeEngine(e.P50Ms, e.P99Ms, e.BestBatch, e.BestImagesPerSecond, e.ImagesPerSecond.ToDictionary(kv => kv.Key.ToString(inv), kv => kv.Value))
                : null)).ToArray();
        target.Write(new BenchServeReport(options.Model, options.Size, options.Device.ToString(), options.Duration.TotalSeconds, options.Warmup.TotalSeconds,
            options.MaxBatch, options.MaxDelayMicroseconds, MachineInfo.Current, DateTime.UtcNow.ToString("O", inv), cells), Csv);
        return ExitCodes.Ok;
    }

    private static CsvTable Csv(BenchServeReport r)
    {
        var table = new CsvTable("batching", "transport", "concurrency", "transport_only", "requests", "errors", "requests_per_s", "p50_ms", "p99_ms",
            "p50_overhead_ms", "throughput_vs_engine", "cpu_ms_per_request", "cpu_ms_per_engine_call", "engine_batch1_p50_ms", "engine_best_images_per_s",
            "window_cpu_ms_per_request", "allocated_kb_per_request", "gen0_per_1000", "gen1_per_1000", "gen2_per_1000");
        foreach (var c in r.Cells)
        {
            table.Add(c.Batching, c.Transport, c.Concurrency, c.TransportOnly, c.Requests, c.Errors, c.RequestsPerS, c.P50Ms, c.P99Ms,
                c.P50OverheadMs, c.ThroughputVsEngine, c.CpuMsPerRequest, c.CpuMsPerEngineCall, c.Engine?.Batch1P50Ms, c.Engine?.BestImagesPerS,
                c.PerRequest.CpuMs, c.PerRequest.AllocatedKB, c.PerRequest.Gen0PerThousand, c.PerRequest.Gen1PerThousand, c.PerRequest.Gen2PerThousand);
        }
        return table;
    }
}
