using System.Diagnostics;
using System.Globalization;
using RexNet.IO;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet bench`: latency percentiles per batch size, measured with random-init weights.</summary>
internal sealed class BenchCommand : ICommand
{
    public string Name => "bench";
    public string Summary => "measure p50/p90/p99 latency per batch size";
    public string Usage => "[--model NAME] [--device cpu|cuda|cuda:N|auto] [--gemm kernels|cublas] [--batch 1,4,8] [--size 224] [--runs N] [--warmup N] [--threads N] [--json FILE] [--profile]";
    public IReadOnlyCollection<string> Flags => ["model", "device", "gemm", "batch", "size", "runs", "warmup", "threads", "json"];
    public IReadOnlyCollection<string> Switches => ["profile"];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        var spec = ModelSpec.FromZoo(args.Get("model") ?? "rexnet_100");
        var device = ModelArguments.Device(args, DeviceSpec.Cpu);
        var gemm = args.GetEnum("gemm", CudaGemm.Kernels);
        var batches = args.GetIntList("batch", [1, 4, 8], 1, 256);
        int size = args.GetInt("size", 224, ModelSpec.MinInputSize, 4096);
        int runs = args.GetInt("runs", 50, 1, 1_000_000);
        int warmup = args.GetInt("warmup", 5, 0, 100_000);
        int? threads = args.Get("threads") is null ? null : args.GetInt("threads", 0, 1, 1024);

        string? jsonPath = args.Get("json");
        if (jsonPath is not null)
        {
            OutputFile.Check(jsonPath, []);
        }
        // With the report on standard output, the table goes to stderr.
        var table = jsonPath is not null && OutputFile.IsStandardOutput(jsonPath) ? stderr : stdout;

        var model = RandomInit.CreateFolded(spec, seed: 0);
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            FoldedWeights = model, MaxBatch = batches.Max(), Height = size, Width = size, Threads = threads, Gemm = gemm,
        }.WithDevice(device));
        var inv = CultureInfo.InvariantCulture;
        var diagnostics = engine.Diagnostics;
        bool onGpu = engine.Device == DeviceKind.Cuda;
        // Kernel launches and library calls per inference: the same for every batch size.
        int deviceOps = onGpu ? int.Parse(diagnostics.DeviceProperties["device_ops"], inv) : 0;
        table.WriteLine($"{spec.Name} {size}x{size} on {engine.Device} ({engine.DeviceReason}); {Environment.ProcessorCount} logical cores, " +
                         $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}");
        if (onGpu)
        {
            table.WriteLine(diagnostics.DeviceProperties["summary"]);
            table.WriteLine($"{"batch",5} {"gpu p50",9} {"gpu p90",9} {"gpu p99",9} {"call p50",9} {"call p90",9} {"call p99",9} {"img/s",9} {"ops",5}  " +
                             $"(ms; gpu = CUDA events around the graph, call = Engine.Run; {runs} runs after {warmup} warm-up)");
        }
        else
        {
            table.WriteLine($"{"batch",5} {"p50 ms",9} {"p90 ms",9} {"p99 ms",9} {"img/s",9}  ({runs} runs after {warmup} warm-up)");
        }
        var rng = new Random(1);
        var results = new List<object>();
        foreach (int batch in batches)
        {
            var input = new float[batch * engine.ImageElements];
            for (int i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 2 - 1);
            var logits = new float[batch * engine.NumClasses];
            for (int i = 0; i < warmup; i++) engine.Run(input, logits);
            var times = new double[runs];
            var gpuTimes = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                engine.Run(input, logits);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                gpuTimes[i] = diagnostics.LastRunDeviceMilliseconds ?? 0;
            }
            if (args.Has("profile") && !onGpu)
            {
                // Where the time goes: mean milliseconds per step (on the CPU, per fused step) over a few runs.
                foreach (var (step, ms) in diagnostics.ProfileSteps(input, Math.Min(runs, 10)))
                {
                    table.WriteLine(string.Format(inv, "  profile batch {0}: {1,-40} {2,8:0.000} ms", batch, step, ms));
                }
            }
            Array.Sort(times);
            Array.Sort(gpuTimes);
            double Pct(double[] sorted, double q) => sorted[Math.Min(runs - 1, (int)Math.Ceiling(q * runs) - 1)];
            double P(double q) => Pct(times, q);
            if (onGpu)
            {
                double G(double q) => Pct(gpuTimes, q);
                table.WriteLine(string.Format(inv, "{0,5} {1,9:0.000} {2,9:0.000} {3,9:0.000} {4,9:0.000} {5,9:0.000} {6,9:0.000} {7,9:0.0} {8,5}",
                    batch, G(0.50), G(0.90), G(0.99), P(0.50), P(0.90), P(0.99), batch * 1000.0 / P(0.50), deviceOps));
                results.Add(new
                {
                    batch, p50_ms = P(0.50), p90_ms = P(0.90), p99_ms = P(0.99), images_per_s = batch * 1000.0 / P(0.50),
                    device_ops = deviceOps,
                    gpu_ms = new { p50 = G(0.50), p90 = G(0.90), p99 = G(0.99) },
                    caller_ms = new { p50 = P(0.50), p90 = P(0.90), p99 = P(0.99) },
                });
                continue;
            }
            table.WriteLine(string.Format(inv, "{0,5} {1,9:0.000} {2,9:0.000} {3,9:0.000} {4,9:0.0}",
                batch, P(0.50), P(0.90), P(0.99), batch * 1000.0 / P(0.50)));
            results.Add(new { batch, p50_ms = P(0.50), p90_ms = P(0.90), p99_ms = P(0.99), images_per_s = batch * 1000.0 / P(0.50) });
        }
        if (jsonPath is not null)
        {
            var report = new
            {
                model = spec.Name, height = size, width = size, device = engine.Device.ToString().ToLowerInvariant(),
                device_reason = engine.DeviceReason, runs, warmup, threads = threads ?? Environment.ProcessorCount,
                machine = new
                {
                    logical_cores = Environment.ProcessorCount,
                    os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                    runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                    simd = RexNet.Cpu.VectorIsas.Best.ToString(),
                },
                timestamp_utc = DateTime.UtcNow.ToString("O"),
                device_info = onGpu ? diagnostics.DeviceProperties : null,
                results,
            };
            OutputFile.Write(jsonPath, s => System.Text.Json.JsonSerializer.Serialize(s, report, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), rawStdout);
        }
        return CommandLine.ExitOk;
    }
}
