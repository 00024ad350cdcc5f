using System.Globalization;
using System.Text.Json;
using RexNet.Evaluation;
using RexNet.IO;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet eval`: top-1/top-5 accuracy and throughput over an ImageNet-style folder or list.</summary>
internal sealed class EvalCommand : ICommand
{
    public string Name => "eval";
    public string Summary => "measure top-1/top-5 accuracy on an ImageFolder tree or a PaddleClas list file";
    public string Usage => "DIR [--list FILE] (--weights FILE | --pretrained) [--model NAME] [--device auto|cpu|cuda|cuda:N] [--batch 8] " +
                           "[--workers N] [--json FILE] [--preset timm|paddle] [--size N] [--crop-pct F] [--exif-orientation ignore|apply]";
    public IReadOnlyCollection<string> Flags =>
        [.. ModelArguments.WeightFlags, .. ModelArguments.PreprocessFlags, "list", "batch", "workers", "json"];
    public IReadOnlyCollection<string> Switches => [ModelArguments.PretrainedSwitch];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        if (args.Positionals.Count != 1)
        {
            throw new UsageException(args.Positionals.Count == 0 ? "no evaluation folder given" : "give exactly one evaluation folder");
        }
        string root = args.Positionals[0];
        int batch = args.GetInt("batch", 8, 1, 256);
        int workers = args.GetInt("workers", Math.Max(1, Environment.ProcessorCount / 2), 1, 256);
        var device = ModelArguments.Device(args, DeviceSpec.Auto);
        // Accuracy comparable with timm's validation, which ignores EXIF orientation.
        var preprocess = ModelArguments.Preprocess(args, Imaging.ExifOrientation.Ignore);
        string? jsonPath = args.Get("json");
        if (jsonPath is not null)
        {
            OutputFile.Check(jsonPath, []);
        }
        if (!Directory.Exists(root))
        {
            throw new InvalidInputFileException(root, "evaluation folder not found", RexNetErrorCode.NotFound);
        }
        var (weights, model) = ModelArguments.Weights(args, stderr);

        // The engine comes first: class folders are matched to the labels its weights declare.
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = model, Weights = weights, MaxBatch = batch, Height = preprocess.Size, Width = preprocess.Size,
        }.WithDevice(device));
        var samples = args.Get("list") is { } list
            ? EvalDataset.FromListFile(root, list, engine.NumClasses)
            : EvalDataset.FromImageFolder(root, engine.ClassLabels);
        if (samples.Count == 0)
        {
            throw new InvalidInputFileException(root, $"no images found ({ClassFolders.ExtensionList})");
        }
        if (jsonPath is not null)
        {
            // Every input is known now, and nothing has run yet.
            OutputFile.Check(jsonPath, [weights, .. args.Get("list") is { } listFile ? [listFile] : Array.Empty<string>(), .. samples.Select(s => s.Path)]);
        }
        // With the report on standard output, the human-readable summary goes to stderr.
        var summary = jsonPath is not null && OutputFile.IsStandardOutput(jsonPath) ? stderr : stdout;
        stderr.WriteLine($"{engine.Spec.Name} on {engine.Device} ({engine.DeviceReason}): {samples.Count} images, {engine.NumClasses} classes, batch {Math.Min(batch, samples.Count)}, {workers} decoders");
        var inv = CultureInfo.InvariantCulture;
        var line = new ProgressLine(stderr, tenthsWhenRedirected: true);
        var report = Evaluator.Evaluate(engine, samples, new EvalOptions { Preprocess = preprocess, DecodeWorkers = workers },
            p => line.Update(string.Format(inv, "eval {0}/{1} {2} top-1 {3:P2}, {4:F1} img/s, {5} unreadable",
                p.Done, p.Total, ProgressLine.Bar((double)p.Done / p.Total, 20),
                p.Done > p.Unreadable ? (double)p.Top1Correct / (p.Done - p.Unreadable) : 0,
                p.Seconds > 0 ? (p.Done - p.Unreadable) / p.Seconds : 0, p.Unreadable), (double)p.Done / p.Total));
        line.Finish($"eval done: {report.Evaluated} images in {report.Seconds.ToString("F1", inv)} s");

        summary.WriteLine(string.Format(inv, "{0}: {1} images, {2} evaluated, {3} unreadable", engine.Spec.Name, report.Images, report.Evaluated, report.Unreadable.Count));
        summary.WriteLine(string.Format(inv, "top-1 {0:P2} ({1}/{3})  top-5 {2:P2} ({4}/{3})  {5:F1} images/s",
            report.Top1, report.Top1Correct, report.Top5, report.Evaluated, report.Top5Correct, report.ImagesPerSecond));
        foreach (var u in report.Unreadable)
        {
            summary.WriteLine($"unreadable: {u.Path}: {u.Error}");
        }
        if (jsonPath is not null)
        {
            WriteJson(jsonPath, rawStdout, engine.Spec.Name, engine, weights, root, args.Get("list"), preprocess, report);
            stderr.WriteLine($"report written to {jsonPath}");
        }
        return CommandLine.ExitOk;
    }

    private static void WriteJson(string path, Stream rawStdout, string model, RexNetEngine engine, string weights, string root, string? list,
        Imaging.PreprocessOptions preprocess, EvalReport report)
    {
        var document = new
        {
            model,
            device = engine.Device.ToString().ToLowerInvariant(),
            weights,
            dataset = root,
            list,
            batch = Math.Min(engine.MaxBatch, report.Images),
            preprocess = new
            {
                preset = preprocess.Preset.ToString().ToLowerInvariant(), size = preprocess.Size, crop_pct = preprocess.CropPct,
                exif_orientation = preprocess.ExifOrientation.ToString().ToLowerInvariant(),
            },
            images = report.Images,
            evaluated = report.Evaluated,
            top1 = report.Top1,
            top5 = report.Top5,
            top1_correct = report.Top1Correct,
            top5_correct = report.Top5Correct,
            seconds = report.Seconds,
            images_per_second = report.ImagesPerSecond,
            unreadable_count = report.Unreadable.Count,
            unreadable = report.Unreadable.Select(u => new { path = u.Path, error = u.Error }),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions { WriteIndented = true });
        OutputFile.Write(path, s => s.Write(json), rawStdout);
    }
}
