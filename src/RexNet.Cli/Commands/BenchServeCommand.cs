using System.Globalization;
using System.Text.Json;
using RexNet.IO;
using RexNet.Model;
using RexNet.Server.Benchmark;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet bench-serve`: the server's requests/s and latency against concurrency, beside the engine alone.</summary>
internal sealed class BenchServeCommand : ICommand
{
    public string Name => "bench-serve";
    public string Summary => "measure rexnet serve (binary REST, gRPC; batching on and off) against the in-process engine";
    public string Usage => "[--model M] [--size 224] [--device cpu|cuda|cuda:N] [--concurrency 1,8,32,128] [--seconds 10] " +
                           "[--warmup-seconds 2] [--threads T] [--max-batch 8] [--max-delay-us 2000] [--json FILE]";
    public IReadOnlyCollection<string> Flags =>
        ["model", "size", "device", "concurrency", "seconds", "warmup-seconds", "threads", "max-batch", "max-delay-us", "json"];
    public IReadOnlyCollection<string> Switches => [];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        var defaults = new ServeBenchmarkOptions();
        var options = new ServeBenchmarkOptions
        {
            Model = ModelZoo.Get(args.Get("model") ?? defaults.Model).Name,
            Size = args.GetInt("size", defaults.Size, ModelSpec.MinInputSize, 4096),
            Device = ModelArguments.Device(args, DeviceSpec.Cpu),
            Concurrency = args.GetIntList("concurrency", defaults.Concurrency, 1, 4096),
            Duration = TimeSpan.FromSeconds(args.GetInt("seconds", (int)defaults.Duration.TotalSeconds, 1, 3600)),
            Warmup = TimeSpan.FromSeconds(args.GetInt("warmup-seconds", (int)defaults.Warmup.TotalSeconds, 0, 600)),
            Threads = args.Get("threads") is null ? null : args.GetInt("threads", 1, 1, 1024),
            MaxBatch = args.GetInt("max-batch", defaults.MaxBatch, 2, 1024),
            MaxDelayMicroseconds = args.GetInt("max-delay-us", defaults.MaxDelayMicroseconds, 0, 10_000_000),
        };
        if (args.Get("json") is { } output)
        {
            OutputFile.Check(output, []);
        }
        stdout.WriteLine($"{options.Model} {options.Size}x{options.Size} on {options.Device}; {Environment.ProcessorCount} logical cores, .NET {Environment.Version}; " +
                         $"{options.Duration.TotalSeconds:F0} s per cell after {options.Warmup.TotalSeconds:F0} s warm-up; batching on = max batch {options.MaxBatch}, delay {options.MaxDelayMicroseconds} us");
        var report = ServeBenchmark.RunAsync(options, stdout).GetAwaiter().GetResult();
        var inv = CultureInfo.InvariantCulture;
        foreach (var cell in report.Cells.Where(c => c.Concurrency == 1))
        {
            stdout.WriteLine(string.Format(inv, "c=1  {0,-11} batching {1,-3}: p50 overhead {2:F2} ms over the engine; CPU {3:F2} ms per request, {4:F2} ms per engine call",
                cell.Transport, cell.Batching, cell.P50OverheadMs, cell.CpuMs?.Request, cell.CpuMs?.Engine));
        }
        foreach (var cell in report.Cells.Where(c => c.Concurrency == 32))
        {
            stdout.WriteLine(string.Format(inv, "c=32 {0,-11} batching {1,-3}: {2:F2}x the engine's best images/s", cell.Transport, cell.Batching, cell.ThroughputRatio));
        }
        if (args.Get("json") is { } path)
        {
            var document = new
            {
                model = options.Model, size = options.Size, device = options.Device.ToString(), seconds = options.Duration.TotalSeconds,
                warmup_seconds = options.Warmup.TotalSeconds, max_batch = options.MaxBatch, max_delay_us = options.MaxDelayMicroseconds,
                machine = new
                {
                    logical_cores = Environment.ProcessorCount,
                    os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                    runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                },
                timestamp_utc = DateTime.UtcNow.ToString("O", inv),
                cells = report.Cells.Select(c => new
                {
                    batching = c.Batching, transport = c.Transport, concurrency = c.Concurrency, requests = c.Requests, errors = c.Errors,
                    requests_per_s = c.RequestsPerSecond, p50_ms = c.P50Ms, p99_ms = c.P99Ms,
                    p50_overhead_ms = c.P50OverheadMs, throughput_vs_engine = c.ThroughputRatio,
                    cpu_ms_per_request = c.CpuMs?.Request, cpu_ms_per_engine_call = c.CpuMs?.Engine,
                    engine = new
                    {
                        batch1_p50_ms = c.Engine.P50Ms, batch1_p99_ms = c.Engine.P99Ms, best_batch = c.Engine.BestBatch,
                        best_images_per_s = c.Engine.BestImagesPerSecond,
                        images_per_s = c.Engine.ImagesPerSecond.ToDictionary(kv => kv.Key.ToString(inv), kv => kv.Value),
                    },
                }),
            };
            OutputFile.Write(path, s => JsonSerializer.Serialize(s, document, new JsonSerializerOptions { WriteIndented = true }), rawStdout);
        }
        return CommandLine.ExitOk;
    }
}
