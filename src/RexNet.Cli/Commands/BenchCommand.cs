using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RexNet.Cli.Benchmarking;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet bench`: latency per batch size, measured with random-init weights.</summary>
internal sealed class BenchCommand : RexNetCommand
{
    private readonly BenchmarkOptions _bench = new(batches: [1, 4, 8], runs: 50, warmup: 5, threads: "CPU threads");
    private readonly Option<DeviceSpec> _device = CliOptions.Device(DeviceSpec.Cpu, "what to time");
    private readonly Option<CudaGemm?> _gemm = CliOptions.Gemm();
    private readonly Option<bool> _profile = CliOptions.Switch("--profile", "also print the CPU engine's mean time per plan step");
    private readonly ReportOptions _report = new(csv: true);

    public BenchCommand() : base("bench", "Measure latency per batch size (mean, p50, p90, p95, p99 and images/s) with random-init weights.")
    {
        _bench.AddTo(this);
        Add(_device);
        Add(_gemm);
        Add(_profile);
        _report.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet bench --model rexnet_100 --batch 1,8 --runs 200", "CPU latency with percentiles over 200 runs"),
        ("rexnet bench --device cuda --batch 1,32 --output gpu.json", "GPU and caller times, the report also as JSON"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        var target = _report.Open(parse, console, []);
        var (spec, batches, height, width, runs, warmup, threads) = _bench.Resolve(parse, console, Name);
        var gemm = parse.GetValue(_gemm) ?? CudaGemm.Kernels;

        using var engine = RexNetEngine.Create(new EngineOptions
        {
            FoldedWeights = RandomInit.CreateFolded(spec, seed: 0), MaxBatch = batches.Max(), Height = height, Width = width, Threads = threads,
            Gemm = gemm,
        }.WithDevice(parse.GetValue(_device)));
        var inv = CultureInfo.InvariantCulture;
        var diagnostics = engine.Diagnostics;
        bool onGpu = engine.Device == DeviceKind.Cuda;
        // Kernel launches and library calls per inference: the same for every batch size.
        int? deviceOps = onGpu ? int.Parse(diagnostics.DeviceProperties["device_ops"], CultureInfo.InvariantCulture) : null;
        var table = target.Human;
        table.WriteLine($"{spec.Name} {height}x{width} on {engine.Device} ({engine.DeviceReason}); {MachineInfo.Current.Summary}");
        if (onGpu)
        {
            table.WriteLine(diagnostics.DeviceProperties["summary"]);
            table.WriteLine($"ms per batch; gpu = CUDA events around the graph, call = Engine.Run as the caller sees it; {deviceOps} device ops per inference " +
                            $"(gemm {gemm.ToString().ToLowerInvariant()})");
            table.WriteLine($"{"batch",5} {"gpu mean",9} {"gpu p50",9} {"gpu p95",9} {"gpu p99",9} {"call mean",9} {"call p50",9} {"call p95",9} {"call p99",9} {"img/s",9}");
        }
        else
        {
            table.WriteLine($"{"batch",5} {"mean ms",9} {"p50 ms",9} {"p90 ms",9} {"p95 ms",9} {"p99 ms",9} {"img/s",9}");
        }
        var rng = new Random(1);
        var rows = new List<BenchRow>();
        foreach (int batch in batches)
        {
            var input = RandomInput.Create(rng, batch * engine.ImageElements);
            var logits = new float[batch * engine.NumClasses];
            for (int i = 0; i < warmup; i++)
            {
                engine.Run(input, logits);
            }
            var times = new double[runs];
            var gpuTimes = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                engine.Run(input, logits);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                gpuTimes[i] = diagnostics.LastRunDeviceMilliseconds ?? 0;
            }
            var call = LatencyStats.Of(times);
            var gpu = onGpu ? LatencyStats.Of(gpuTimes) : null;
            BenchStep[]? profile = null;
            if (parse.GetValue(_profile) && !onGpu)
            {
                // Where the time goes: mean milliseconds per step (on the CPU, per fused step) over a few runs.
                profile = diagnostics.ProfileSteps(input, Math.Min(runs, 10)).Select(s => new BenchStep(s.Step, s.Milliseconds)).ToArray();
                foreach (var step in profile)
                {
                    table.WriteLine(string.Format(inv, "  profile batch {0}: {1,-40} {2,8:0.000} ms", batch, step.Step, step.MeanMs));
                }
            }
            var row = BenchRow.Of(batch, call, gpu, profile);
            rows.Add(row);
            table.WriteLine(gpu is null
                ? string.Format(inv, "{0,5} {1,9:0.000} {2,9:0.000} {3,9:0.000} {4,9:0.000} {5,9:0.000} {6,9:0.0}",
                    batch, call.Mean, call.P50, call.P90, call.P95, call.P99, row.ImagesPerS)
                : string.Format(inv, "{0,5} {1,9:0.000} {2,9:0.000} {3,9:0.000} {4,9:0.000} {5,9:0.000} {6,9:0.000} {7,9:0.000} {8,9:0.000} {9,9:0.0}",
                    batch, gpu.Mean, gpu.P50, gpu.P95, gpu.P99, call.Mean, call.P50, call.P95, call.P99, row.ImagesPerS));
        }
        table.WriteLine(LatencyStats.Note(runs, warmup));
        var report = new BenchReport(spec.Name, height, width, engine.Device.ToString().ToLowerInvariant(), engine.DeviceReason, runs, warmup,
            threads ?? Environment.ProcessorCount, deviceOps, MachineInfo.Current, onGpu ? diagnostics.DeviceProperties : null,
            DateTime.UtcNow.ToString("O", inv), [.. rows]);
        target.Write(report, Csv);
        return ExitCodes.Ok;
    }

    private static CsvTable Csv(BenchReport report)
    {
        var table = new CsvTable("model", "device", "height", "width", "threads", "batch", "runs", "mean_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms",
            "min_ms", "max_ms", "images_per_s", "gpu_mean_ms", "gpu_p50_ms", "gpu_p95_ms", "gpu_p99_ms");
        foreach (var r in report.Results)
        {
            table.Add(report.Model, report.Device, report.Height, report.Width, report.Threads, r.Batch, r.Runs, r.MeanMs, r.P50Ms, r.P90Ms, r.P95Ms,
                r.P99Ms, r.MinMs, r.MaxMs, r.ImagesPerS, r.GpuMs?.Mean, r.GpuMs?.P50, r.GpuMs?.P95, r.GpuMs?.P99);
        }
        return table;
    }
}
