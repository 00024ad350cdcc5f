using System.CommandLine;
using System.Globalization;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.Evaluation;
using RexNet.Model;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet eval`: top-1/top-5 accuracy and throughput over an ImageNet-style folder or list, as timm's validate.py.</summary>
internal sealed class EvalCommand : RexNetCommand
{
    private readonly Argument<string> _root = new("DIR")
    {
        Description = "an ImageFolder tree (one folder per class, named by WordNet id or class index), or the root the --list paths are relative to",
    };
    private readonly Option<string> _list = CliOptions.Path("--list", "a PaddleClas list file: 'relative/path label' per line");
    private readonly WeightOptions _weights = new();
    private readonly Option<DeviceSpec> _device = CliOptions.Device(DeviceSpec.Auto);
    // Accuracy comparable with timm's validation, which ignores EXIF orientation.
    private readonly PreprocessingOptions _preprocess = new(Imaging.ExifOrientation.Ignore);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images run through the model at once", 8, 1, 1024);
    private readonly Option<int> _workers = CliOptions.Int("--workers", "background threads decoding images while the model runs",
        Math.Max(1, Environment.ProcessorCount / 2), 1, 256);
    private readonly Option<int?> _threads = CliOptions.Threads();
    private readonly ReportOptions _report = new(csv: true);

    public EvalCommand() : base("eval", "Measure top-1/top-5 accuracy on an ImageFolder tree or a PaddleClas list file, with timm's eval settings for the weights by default.")
    {
        Add(_root);
        Add(_list);
        _weights.AddTo(this);
        Add(_device);
        _preprocess.AddTo(this);
        Add(_batch);
        Add(_workers);
        Add(_threads);
        _report.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet eval imagenet/val --pretrained --model rexnet_150 --batch 32", "ImageNet-1k validation accuracy of timm's rexnet_150"),
        ("rexnet eval data --list val_list.txt --weights w.safetensors --output results.csv", "a PaddleClas list; the summary row as timm's results CSV"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        string root = parse.GetValue(_root)!;
        string? list = parse.GetValue(_list);
        string? file = parse.GetValue(_weights.Weights);
        // The paths are checked before the hub is contacted; the samples need the engine, whose labels name the classes.
        if (!Directory.Exists(root))
        {
            throw new IO.InvalidInputFileException(root, "evaluation folder not found", RexNetErrorCode.NotFound);
        }
        if (list is not null && !File.Exists(list))
        {
            throw new IO.InvalidInputFileException(list, "list file not found", RexNetErrorCode.NotFound);
        }
        var target = _report.Open(parse, console, new[] { file, list }.OfType<string>());
        int? threads = CliOptions.Threads(parse, _threads, console, Name);

        var (weights, model) = _weights.Resolve(parse, console);
        var entry = WeightOptions.EntryOf(weights, model);
        var preprocess = _preprocess.Resolve(parse, entry.Pretrained);
        int workers = parse.GetValue(_workers);
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = entry.Name, Weights = weights, MaxBatch = parse.GetValue(_batch),
            Height = preprocess.Height, Width = preprocess.Width, Threads = threads,
        }.WithDevice(parse.GetValue(_device)));
        var samples = list is not null ? EvalDataset.FromListFile(root, list, engine.NumClasses) : EvalDataset.FromImageFolder(root, engine.ClassLabels);
        if (samples.Count == 0)
        {
            throw new IO.InvalidInputFileException(list ?? root, $"no images to evaluate ({Imaging.ImageFiles.ExtensionList})");
        }
        // Every input is known now, and nothing has run yet.
        target.Check([.. new[] { weights, list }.OfType<string>(), .. samples.Select(s => s.Path)]);
        int batch = Math.Min(engine.MaxBatch, samples.Count);
        var inv = CultureInfo.InvariantCulture;
        console.Error.WriteLine($"{engine.Spec.Name} on {engine.Device} ({engine.DeviceReason}): {samples.Count} images, {engine.NumClasses} classes, batch {batch}, " +
                                $"{workers} decoders, {preprocess.Height}x{preprocess.Width} crop {preprocess.CropPct.ToString(inv)}");
        var line = new ProgressLine(console, tenthsWhenRedirected: true);
        var report = Evaluator.Evaluate(engine, samples, new EvalOptions { Preprocess = preprocess, DecodeWorkers = workers },
            p => line.Update(string.Format(inv, "eval {0}/{1} {2} top-1 {3:P2}, {4:F1} img/s, {5} unreadable",
                p.Done, p.Total, ProgressLine.Bar((double)p.Done / p.Total, 20),
                p.Done > p.Unreadable ? (double)p.Top1Correct / (p.Done - p.Unreadable) : 0,
                p.Seconds > 0 ? (p.Done - p.Unreadable) / p.Seconds : 0, p.Unreadable), (double)p.Done / p.Total));
        line.Finish($"eval done: {report.Evaluated} images in {report.Seconds.ToString("F1", inv)} s");
        var unreadable = report.Unreadable.Select(u => new FailedImage(u.Path, u.Error)).ToArray();
        foreach (var u in unreadable)
        {
            console.Error.WriteLine($"rexnet eval: unreadable: {u.Image}: {u.Error}");
        }
        if (report.Evaluated == 0)
        {
            throw new RexNetException(RexNetErrorCode.InvalidFile, $"none of the {report.Images} images could be read; no accuracy to report");
        }

        var summary = target.Human;
        summary.WriteLine(string.Format(inv, "{0}: {1} images, {2} evaluated, {3} unreadable", engine.Spec.Name, report.Images, report.Evaluated, unreadable.Length));
        summary.WriteLine(string.Format(inv, "top-1 {0:P2} ({1}/{3})  top-5 {2:P2} ({4}/{3})  {5:F1} images/s",
            report.Top1, report.Top1Correct, report.Top5, report.Evaluated, report.Top5Correct, report.ImagesPerSecond));
        var result = new EvalResult(engine.Spec.Name, engine.Device.ToString().ToLowerInvariant(), weights, root, list, batch,
            PreprocessSettings.Of(preprocess), report.Images, report.Evaluated, report.Top1, report.Top5, report.Top1Correct, report.Top5Correct,
            ModelCost.Compute(engine.Spec).TrainableParameters, report.Seconds, report.ImagesPerSecond, unreadable);
        target.Write(result, Csv);
        if (unreadable.Length == 0)
        {
            return ExitCodes.Ok;
        }
        console.Error.WriteLine($"rexnet eval: {unreadable.Length} of {report.Images} images could not be read; the accuracy is over the other {report.Evaluated}");
        return ExitCodes.Failure;
    }

    /// <summary>One row as timm's validate.py writes its results file: accuracies and errors in percent, parameters in millions.</summary>
    private static CsvTable Csv(EvalResult r)
    {
        var table = new CsvTable("model", "top1", "top1_err", "top5", "top5_err", "param_count", "img_size", "crop_pct", "interpolation",
            "images", "evaluated", "unreadable", "images_per_second", "weights");
        table.Add(r.Model, Math.Round(100 * r.Top1, 3), Math.Round(100 - 100 * r.Top1, 3), Math.Round(100 * r.Top5, 3), Math.Round(100 - 100 * r.Top5, 3),
            Math.Round(r.ParamCount / 1e6, 2), r.Preprocess.Height == r.Preprocess.Width ? $"{r.Preprocess.Height}" : $"{r.Preprocess.Height}x{r.Preprocess.Width}",
            r.Preprocess.CropPct, r.Preprocess.Preset == "timm" ? "bicubic" : "bilinear", r.Images, r.Evaluated, r.Unreadable.Length,
            Math.Round(r.ImagesPerSecond, 1), r.Weights);
        return table;
    }
}
