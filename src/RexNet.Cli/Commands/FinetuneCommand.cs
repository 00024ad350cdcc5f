using System.CommandLine;
using System.Globalization;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.FineTuning;
using RexNet.IO;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet finetune`: a new classifier head for the classes of an image folder, written as a complete weights file.</summary>
internal sealed class FinetuneCommand : RexNetCommand
{
    private static readonly HeadTrainingOptions Defaults = new();

    private readonly Argument<string> _train = new("TRAIN_DIR") { Description = "training images: one folder per class, named as the class; images found recursively" };
    private readonly WeightOptions _weights = new();
    private readonly FileOutputOptions _output = new("the complete weights to write (.safetensors): the backbone unchanged, the new head, the class names");
    private readonly Option<string> _val = CliOptions.Path("--val", "validation images, laid out as TRAIN_DIR with the same classes", helpName: "DIR");
    private readonly Option<int> _epochs = CliOptions.Int("--epochs", "passes over the training features", Defaults.Epochs, 1, 100_000);
    private readonly Option<HeadOptimizer?> _optimizer = CliOptions.Choice("--optimizer", "sgd with momentum, or adamw", Defaults.Optimizer);
    private readonly Option<double?> _lr = CliOptions.OptionalNumber("--lr",
        $"peak learning rate of the cosine schedule (default: {HeadTrainingOptions.DefaultLearningRate(HeadOptimizer.Sgd).ToString(CultureInfo.InvariantCulture)} for sgd, " +
        $"{HeadTrainingOptions.DefaultLearningRate(HeadOptimizer.AdamW).ToString(CultureInfo.InvariantCulture)} for adamw)", 0, 100, minExclusive: true);
    private readonly Option<double> _momentum = CliOptions.Number("--momentum", "sgd's momentum", Defaults.Momentum, 0, 0.999);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "features per training step", Defaults.BatchSize, 1, 1 << 20);
    private readonly Option<double?> _weightDecay = CliOptions.OptionalNumber("--weight-decay",
        $"weight decay (default: {HeadTrainingOptions.DefaultWeightDecay(HeadOptimizer.Sgd).ToString(CultureInfo.InvariantCulture)} for sgd, " +
        $"{HeadTrainingOptions.DefaultWeightDecay(HeadOptimizer.AdamW).ToString(CultureInfo.InvariantCulture)} for adamw)", 0, 10);
    private readonly Option<double> _labelSmoothing = CliOptions.Number("--label-smoothing", "label smoothing of the cross-entropy", Defaults.LabelSmoothing, 0, 0.999);
    private readonly Option<bool> _noBalance = CliOptions.Switch("--no-balance", "weigh every image alike instead of every class alike");
    private readonly Option<int> _seed = CliOptions.Int("--seed", "seed of the head's initialisation and the shuffling", Defaults.Seed, 0, int.MaxValue);
    private readonly Option<Augmentation?> _augment = CliOptions.Choice("--augment", "training features also of the mirrored images (flip)", Augmentation.None);
    private readonly Option<DeviceSpec> _device = CliOptions.Device(DeviceSpec.Auto, "where to extract the features");
    // As predict sees photos later: upright, as their EXIF orientation says.
    private readonly PreprocessingOptions _preprocess = new(Imaging.ExifOrientation.Apply);
    private readonly Option<int> _workers = CliOptions.Int("--workers", "background threads decoding images", Math.Max(1, Environment.ProcessorCount / 2), 1, 256);
    private readonly Option<string> _cacheDir = CliOptions.Path("--cache-dir", $"where extracted features are kept for the next run (default: {FineTuneOptions.DefaultCacheDirectory})", helpName: "DIR");
    private readonly Option<bool> _noCache = CliOptions.Switch("--no-cache", "extract the features again and keep nothing");

    public FinetuneCommand() : base("finetune", "Train a new classifier head on your own class folders and write complete weights with the labels, ready for predict, eval, serve and export-onnx.")
    {
        Add(_train);
        _weights.AddTo(this);
        _output.AddTo(this);
        Add(_val);
        Add(_epochs);
        Add(_optimizer);
        Add(_lr);
        Add(_momentum);
        Add(_batch);
        Add(_weightDecay);
        Add(_labelSmoothing);
        Add(_noBalance);
        Add(_seed);
        Add(_augment);
        Add(_device);
        _preprocess.AddTo(this);
        Add(_workers);
        Add(_cacheDir);
        Add(_noCache);
        AddCheck(parse => parse.GetValue(_noCache) && parse.GetValue(_cacheDir) is not null ? "give either --cache-dir DIR or --no-cache, not both" : null);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet finetune pets/train --val pets/val --pretrained --output pets.safetensors", "a head for your classes on timm's rexnet_100"),
        ("rexnet finetune pets/train --weights w.safetensors --output pets.safetensors --optimizer adamw --augment flip --no-cache",
            "AdamW, with a mirrored copy of every training image, nothing cached"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        string output = _output.Path(parse);
        OutputFile.Check(output, parse.GetValue(_weights.Weights) is { } file ? [file] : []);
        var training = new HeadTrainingOptions
        {
            Epochs = parse.GetValue(_epochs),
            BatchSize = parse.GetValue(_batch),
            Optimizer = parse.GetValue(_optimizer) ?? Defaults.Optimizer,
            LearningRate = parse.GetValue(_lr),
            Momentum = parse.GetValue(_momentum),
            WeightDecay = parse.GetValue(_weightDecay),
            LabelSmoothing = parse.GetValue(_labelSmoothing),
            ClassBalance = !parse.GetValue(_noBalance),
            Seed = parse.GetValue(_seed),
        };
        var (weights, model) = _weights.Resolve(parse, console);
        var entry = WeightOptions.EntryOf(weights, model);
        var options = new FineTuneOptions
        {
            TrainDirectory = parse.GetValue(_train)!,
            ValidationDirectory = parse.GetValue(_val),
            Model = model,
            Output = output,
            Training = training,
            Augment = parse.GetValue(_augment) ?? Augmentation.None,
            Device = parse.GetValue(_device),
            Preprocess = _preprocess.Resolve(parse, entry.Pretrained),
            DecodeWorkers = parse.GetValue(_workers),
            CacheDirectory = parse.GetValue(_noCache) ? null : parse.GetValue(_cacheDir) ?? FineTuneOptions.DefaultCacheDirectory,
            Weights = weights,
        };

        var inv = CultureInfo.InvariantCulture;
        var line = new ProgressLine(console, tenthsWhenRedirected: true);
        var report = FineTuner.Run(options,
            p => line.Update(string.Format(inv, "features {0} {1}/{2} {3}{4}", p.Set, p.Done, p.Total,
                ProgressLine.Bar((double)p.Done / p.Total, 20), p.Unreadable > 0 ? $", {p.Unreadable} unreadable" : ""), (double)p.Done / p.Total),
            e => console.Error.WriteLine(EpochLine(e)),
            notice => line.Finish("rexnet: " + notice));
        foreach (var u in report.Train.Unreadable.Concat(report.Validation?.Unreadable ?? []))
        {
            console.Error.WriteLine($"unreadable (skipped): {u.Path}: {u.Error}");
        }
        var final = report.Final;
        _output.Summarise(parse, console,
            string.Format(inv, "wrote {0}: {1} with a {2}-class head ({3}), train top-1 {4:P2}{5}", report.Output, report.Model, report.Classes.Count,
                Shorten(string.Join(", ", report.Classes)), final.TrainTop1, final.ValTop1 is { } v ? string.Format(inv, ", val top-1 {0:P2}", v) : ""),
            Summary(options, report));
        return ExitCodes.Ok;
    }

    private static string EpochLine(EpochReport e)
    {
        var inv = CultureInfo.InvariantCulture;
        string val = e.ValLoss is { } loss ? string.Format(inv, "  val loss {0:F4} top-1 {1:P2}", loss, e.ValTop1) : "";
        return string.Format(inv, "epoch {0,3}/{1}  lr {2:G4}  train loss {3:F4} top-1 {4:P2}{5}", e.Epoch, e.Epochs, e.LearningRate, e.TrainLoss, e.TrainTop1, val);
    }

    private static string Shorten(string s) => s.Length <= 100 ? s : s[..100] + "…";

    private static FinetuneSummary Summary(FineTuneOptions options, FineTuneReport report)
    {
        static FinetuneSet Set(FeatureSetReport s) =>
            new(s.Images, s.Samples, s.FromCache, s.Seconds, s.Unreadable.Select(u => new FailedImage(u.Path, u.Error)).ToArray());
        var t = options.Training;
        return new FinetuneSummary(report.Output, report.Model, options.Weights, report.Classes, Set(report.Train),
            report.Validation is { } v ? Set(v) : null, report.FeatureCount, report.KeptFeatures,
            new FinetuneTraining(t.Optimizer.ToString().ToLowerInvariant(), t.EffectiveLearningRate, t.Optimizer == HeadOptimizer.Sgd ? t.Momentum : null,
                t.EffectiveWeightDecay, t.Epochs, t.BatchSize, t.LabelSmoothing, t.ClassBalance, t.Seed, options.Augment.ToString().ToLowerInvariant(),
                PreprocessSettings.Of(options.Preprocess)),
            report.Epochs.Select(e => new FinetuneEpoch(e.Epoch, e.LearningRate, e.TrainLoss, e.TrainTop1, e.ValLoss, e.ValTop1)).ToArray(),
            report.Final.TrainTop1, report.Final.ValTop1, report.FoldedTrainTop1, report.TrainingSeconds);
    }
}
