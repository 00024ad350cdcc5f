using System.CommandLine;
using System.Globalization;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.Imaging;

namespace RexNet.Cli.Commands;

/// <summary>
/// `rexnet predict`: the top classes of images and folders of images, named by the weights' labels (ImageNet-1k for
/// timm's, a fine-tuned head's own). Each batch's results are printed as soon as
/// it has run; an image that cannot be read is reported and skipped, and the exit code is 1 at the end.
/// </summary>
internal sealed class PredictCommand : RexNetCommand
{
    private readonly Argument<string[]> _images = new("IMAGE")
    {
        Description = $"image files, or folders searched recursively for {ImageFiles.ExtensionList} files",
        Arity = ArgumentArity.OneOrMore,
    };
    private readonly WeightOptions _weights = new();
    private readonly Option<DeviceSpec> _device = CliOptions.Device(DeviceSpec.Auto);
    // People's photos: a portrait phone shot is classified the right way up unless asked otherwise.
    private readonly PreprocessingOptions _preprocess = new(ExifOrientation.Apply);
    private readonly Option<int> _top = CliOptions.Int("--top", "how many classes to list per image, most probable first", 5, 1, 100_000, "K");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images run through the model at once", 8, 1, 1024);
    private readonly Option<int?> _threads = CliOptions.Threads();
    private readonly ReportOptions _report = new(csv: true);

    public PredictCommand() : base("predict", "Classify images: the top-k classes (ImageNet-1k, or a fine-tuned head's labels) with probabilities, printed as each batch is ready; unreadable images are reported and skipped (exit 1).")
    {
        Add(_images);
        _weights.AddTo(this);
        Add(_device);
        _preprocess.AddTo(this);
        Add(_top);
        Add(_batch);
        Add(_threads);
        _report.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet predict cat.jpg --pretrained", "top-5 ImageNet classes with timm's rexnet_100 weights (downloaded once)"),
        ("rexnet predict photos/ --pretrained --model rexnetr_200 --output predictions.csv", "every image under photos/, also as CSV"),
        ("rexnet predict a.jpg b.png --weights w.safetensors --top 3 --json", "JSON on stdout for scripts"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        // Every path is checked before the hub is contacted.
        var images = ImageInputs.Expand(parse.GetValue(_images)!);
        string? file = parse.GetValue(_weights.Weights);
        var target = _report.Open(parse, console, file is null ? images : [file, .. images]);
        int top = parse.GetValue(_top);
        int? threads = CliOptions.Threads(parse, _threads, console, Name);

        var (weights, model) = _weights.Resolve(parse, console);
        var entry = WeightOptions.EntryOf(weights, model);
        var preprocess = _preprocess.Resolve(parse, entry.Pretrained);
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = entry.Name, Weights = weights, MaxBatch = Math.Min(images.Count, parse.GetValue(_batch)),
            Height = preprocess.Height, Width = preprocess.Width, Threads = threads,
        }.WithDevice(parse.GetValue(_device)));
        console.Error.WriteLine($"{engine.Spec.Name} on {engine.Device} ({engine.DeviceReason}), weights {weights}; " +
                                $"{images.Count} image(s) at {preprocess.Height}x{preprocess.Width}, crop {preprocess.CropPct.ToString(CultureInfo.InvariantCulture)}");

        var results = new List<PredictResult>();
        var failed = new List<FailedImage>();
        var progress = new ProgressLine(console);
        int per = engine.ImageElements;
        var input = new float[engine.MaxBatch * per];
        for (int start = 0; start < images.Count; start += engine.MaxBatch)
        {
            var chunk = images.Skip(start).Take(engine.MaxBatch).ToArray();
            var errors = new string?[chunk.Length];
            var tensors = new float[chunk.Length][];
            Parallel.For(0, chunk.Length, i =>
            {
                try
                {
                    tensors[i] = ImagePreprocessor.Preprocess(chunk[i], preprocess);
                }
                catch (RexNetException e)
                {
                    errors[i] = OneLine(e.Message);
                }
            });
            int n = 0;
            for (int i = 0; i < chunk.Length; i++)
            {
                if (tensors[i] is { } t)
                {
                    t.CopyTo(input.AsSpan(n++ * per, per));
                }
            }
            var predictions = n == 0 ? [] : engine.ClassifyTensors(input.AsMemory(0, n * per), top);
            progress.Clear();
            for (int i = 0, k = 0; i < chunk.Length; i++)
            {
                if (errors[i] is { } error)
                {
                    failed.Add(new FailedImage(chunk[i], error));
                    console.Error.WriteLine($"rexnet predict: skipped {error}");
                    continue;
                }
                var result = new PredictResult(chunk[i], predictions[k++].Select((p, rank) =>
                    new PredictedClass(rank + 1, p.ClassIndex, p.Synset, p.Label, p.Probability)).ToArray());
                results.Add(result);
                WriteText(target.Human, result);
            }
            int done = start + chunk.Length;
            if (done < images.Count)
            {
                progress.Update($"predict {done}/{images.Count} {ProgressLine.Bar((double)done / images.Count, 20)}", (double)done / images.Count);
            }
        }
        progress.Clear();

        var report = new PredictReport(engine.Spec.Name, engine.Device.ToString().ToLowerInvariant(), weights, PreprocessSettings.Of(preprocess),
            images.Count, [.. results], [.. failed]);
        target.Write(report, Csv);
        if (failed.Count == 0)
        {
            return ExitCodes.Ok;
        }
        console.Error.WriteLine($"rexnet predict: {failed.Count} of {images.Count} image(s) could not be read");
        return ExitCodes.Failure;
    }

    private static void WriteText(TextWriter w, PredictResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine(result.Image);
        foreach (var p in result.Predictions)
        {
            string where = p.Synset is null ? $"class {p.ClassIndex}" : $"{p.Synset}, class {p.ClassIndex}";
            w.WriteLine(string.Format(inv, "  {0,2}. {1,7:P2}  {2} ({3})", p.Rank, p.Probability, p.Label, where));
        }
    }

    private static CsvTable Csv(PredictReport report)
    {
        var table = new CsvTable("image", "rank", "class_index", "synset", "label", "probability");
        foreach (var r in report.Results)
        {
            foreach (var p in r.Predictions)
            {
                table.Add(r.Image, p.Rank, p.ClassIndex, p.Synset, p.Label, p.Probability);
            }
        }
        return table;
    }
}
