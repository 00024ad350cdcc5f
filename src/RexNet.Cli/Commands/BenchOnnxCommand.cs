using System.Globalization;
using System.Runtime.InteropServices;
using RexNet.Cli.OnnxRuntime;
using RexNet.IO;
using RexNet.Model;
using RexNet.Onnx;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>
/// `rexnet bench-onnx`: our CPU engine against ONNX Runtime (CPU) in the same process, on the same
/// random-init weights, inputs and thread count. Both results are compared before anything is timed, and
/// the two engines are timed call by call in turn so that a busy machine slows both alike.
/// </summary>
internal sealed class BenchOnnxCommand : ICommand
{
    public string Name => "bench-onnx";
    public string Summary => "compare CPU engine latency with ONNX Runtime (CPU) on the same model and inputs";
    public string Usage => "[--model NAME] [--batch 1,8] [--size 224] [--runs N] [--warmup N] [--threads N] [--json FILE]";
    public IReadOnlyCollection<string> Flags => ["model", "batch", "size", "runs", "warmup", "threads", "json"];
    public IReadOnlyCollection<string> Switches => [];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        var spec = ModelSpec.FromZoo(args.Get("model") ?? "rexnet_100");
        var batches = args.GetIntList("batch", [1, 8], 1, 256);
        int size = args.GetInt("size", 224, ModelSpec.MinInputSize, 4096);
        int runs = args.GetInt("runs", 30, 1, 1_000_000);
        int warmup = args.GetInt("warmup", 3, 0, 100_000);
        int threads = args.GetInt("threads", Environment.ProcessorCount, 1, 1024);
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
            FoldedWeights = model, Device = DeviceKind.Cpu, MaxBatch = batches.Max(),
            Height = size, Width = size, Threads = threads,
        });
        var onnx = OnnxExporter.ExportFolded(model, new OnnxExportOptions { Dynamic = true });
        using var ort = OnnxRuntimeRunner.FromBytes(onnx.ToBytes(), threads, $"{spec.Name} (exported in memory)");

        var inv = CultureInfo.InvariantCulture;
        table.WriteLine($"{spec.Name} {size}x{size}, random-init weights, {threads} threads each; {Environment.ProcessorCount} logical cores, " +
                         $"{RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, ONNX Runtime {OnnxRuntimeRunner.Version}");
        table.WriteLine($"{runs} runs per engine in alternating blocks of 5, after {warmup} warm-up each; ms per batch; max abs diff is between the two engines' logits");
        table.WriteLine($"| batch | engine | p50 ms | p90 ms | p99 ms | img/s | max abs diff |");
        table.WriteLine($"|------:|--------|-------:|-------:|-------:|------:|-------------:|");
        var rng = new Random(1);
        var results = new List<object>();
        foreach (int batch in batches)
        {
            int[] shape = [batch, ModelSpec.InputChannels, size, size];
            var input = new float[batch * engine.ImageElements];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (float)(rng.NextDouble() * 2 - 1);
            }
            var ours = new float[batch * engine.NumClasses];
            var theirs = new float[batch * ort.NumClasses];
            engine.Run(input, ours);
            ort.Run(input, shape, theirs);
            double diff = ours.Zip(theirs).Max(p => Math.Abs((double)p.First - p.Second));

            var timings = Latency.MeasureInterleaved([() => engine.Run(input, ours), () => ort.Run(input, shape, theirs)], warmup, runs);
            foreach (var (label, l) in new[] { ("RexNet CPU", timings[0]), ("ONNX Runtime", timings[1]) })
            {
                table.WriteLine(string.Format(inv, "| {0} | {1} | {2:0.00} | {3:0.00} | {4:0.00} | {5:0.0} | {6:E1} |",
                    batch, label, l.P50, l.P90, l.P99, batch * 1000.0 / l.P50, diff));
                results.Add(new { batch, engine = label, p50_ms = l.P50, p90_ms = l.P90, p99_ms = l.P99, images_per_s = batch * 1000.0 / l.P50, max_abs_diff = diff });
            }
        }
        if (jsonPath is not null)
        {
            var report = new
            {
                model = spec.Name, height = size, width = size, threads, runs, warmup, onnx_runtime = OnnxRuntimeRunner.Version,
                machine = new
                {
                    logical_cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription,
                    runtime = RuntimeInformation.FrameworkDescription, architecture = RuntimeInformation.ProcessArchitecture.ToString(),
                },
                timestamp_utc = DateTime.UtcNow.ToString("O"),
                results,
            };
            OutputFile.Write(jsonPath, s => System.Text.Json.JsonSerializer.Serialize(s, report, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), rawStdout);
        }
        return CommandLine.ExitOk;
    }
}
