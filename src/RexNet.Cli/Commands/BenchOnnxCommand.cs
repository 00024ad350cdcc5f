using System.CommandLine;
using System.Globalization;
using RexNet.Cli.Benchmarking;
using RexNet.Cli.OnnxRuntime;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.Model;
using RexNet.Onnx;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>
/// `rexnet bench-onnx`: our CPU engine against ONNX Runtime (CPU) in the same process, on the same
/// random-init weights, inputs and thread count. Both results are compared before anything is timed, and
/// the two engines are timed in alternating blocks so that a busy machine slows both alike.
/// </summary>
internal sealed class BenchOnnxCommand : RexNetCommand
{
    private readonly BenchmarkOptions _bench = new(batches: [1, 8], runs: 30, warmup: 3, threads: "threads of each engine");
    private readonly ReportOptions _report = new(csv: true);

    public BenchOnnxCommand() : base("bench-onnx", "Compare the CPU engine's latency with ONNX Runtime (CPU) on the same model, weights, inputs and threads, in one run.")
    {
        _bench.AddTo(this);
        _report.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet bench-onnx --model rexnet_100 --batch 1,8 --runs 60", "both engines, alternating, with their ratio"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        var target = _report.Open(parse, console, []);
        var settings = _bench.Resolve(parse, console, Name);
        var (spec, batches, height, width, runs, warmup, _) = settings;
        int threads = settings.Threads ?? Environment.ProcessorCount;

        var model = RandomInit.CreateFolded(spec, seed: 0);
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            FoldedWeights = model, Device = DeviceKind.Cpu, MaxBatch = batches.Max(), Height = height, Width = width, Threads = threads,
        });
        var onnx = OnnxExporter.ExportFolded(model, new OnnxExportOptions { Dynamic = true });
        using var ort = OnnxRuntimeRunner.FromBytes(onnx.ToBytes(), threads, $"{spec.Name} (exported in memory)");

        var inv = CultureInfo.InvariantCulture;
        var table = target.Human;
        table.WriteLine($"{spec.Name} {height}x{width}, random-init weights, {threads} threads each, ONNX Runtime {OnnxRuntimeRunner.Version}; {MachineInfo.Current.Summary}");
        table.WriteLine($"engines alternate in blocks of 5 calls; ms per batch; max abs diff is between the two engines' logits");
        table.WriteLine("| batch | engine | mean ms | p50 ms | p90 ms | p95 ms | p99 ms | img/s | max abs diff |");
        table.WriteLine("|------:|--------|--------:|-------:|-------:|-------:|-------:|------:|-------------:|");
        var rng = new Random(1);
        var rows = new List<BenchOnnxRow>();
        foreach (int batch in batches)
        {
            int[] shape = [batch, ModelSpec.InputChannels, height, width];
            var input = RandomInput.Create(rng, batch * engine.ImageElements);
            var ours = new float[batch * engine.NumClasses];
            var theirs = new float[batch * ort.NumClasses];
            engine.Run(input, ours);
            ort.Run(input, shape, theirs);
            double diff = ours.Zip(theirs).Max(p => Math.Abs((double)p.First - p.Second));

            var timings = InterleavedTimer.Measure([() => engine.Run(input, ours), () => ort.Run(input, shape, theirs)], warmup, runs);
            foreach (var (label, l) in new[] { ("RexNet CPU", timings[0]), ("ONNX Runtime", timings[1]) })
            {
                var row = BenchOnnxRow.Of(batch, label, l, diff);
                rows.Add(row);
                table.WriteLine(string.Format(inv, "| {0} | {1} | {2:0.00} | {3:0.00} | {4:0.00} | {5:0.00} | {6:0.00} | {7:0.0} | {8:E1} |",
                    batch, label, l.Mean, l.P50, l.P90, l.P95, l.P99, row.ImagesPerS, diff));
            }
        }
        table.WriteLine(LatencyStats.Note(runs, warmup));
        var report = new BenchOnnxReport(spec.Name, height, width, threads, runs, warmup, OnnxRuntimeRunner.Version, MachineInfo.Current,
            DateTime.UtcNow.ToString("O", inv), [.. rows]);
        target.Write(report, r =>
        {
            var csv = new CsvTable("model", "height", "width", "threads", "batch", "engine", "runs", "mean_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms",
                "images_per_s", "max_abs_diff");
            foreach (var row in r.Results)
            {
                csv.Add(r.Model, r.Height, r.Width, r.Threads, row.Batch, row.Engine, row.Runs, row.MeanMs, row.P50Ms, row.P90Ms, row.P95Ms, row.P99Ms,
                    row.ImagesPerS, row.MaxAbsDiff);
            }
            return csv;
        });
        return ExitCodes.Ok;
    }
}
