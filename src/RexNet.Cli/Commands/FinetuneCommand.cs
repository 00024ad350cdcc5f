using System.Globalization;
using System.Text.Json;
using RexNet.FineTuning;
using RexNet.IO;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet finetune`: a new classifier head for the classes of an image folder, written as a complete weights file.</summary>
internal sealed class FinetuneCommand : ICommand
{
    public string Name => "finetune";
    public string Summary => "train a new classifier head on your own image folders and write complete weights with the labels";
    public string Usage => "TRAIN_DIR (--weights FILE | --pretrained) [--model NAME] --output OUT.safetensors [--val DIR] " +
                           "[--epochs 30] [--optimizer sgd|adamw] [--lr F] [--momentum 0.9] [--batch 64] [--weight-decay F] " +
                           "[--label-smoothing 0.1] [--no-balance] [--seed 0] [--augment none|flip] [--device auto|cpu|cuda|cuda:N] " +
                           "[--preset timm|paddle] [--size N] [--crop-pct F] [--exif-orientation apply|ignore] [--workers N] [--cache-dir DIR | --no-cache] [--json]";
    public IReadOnlyCollection<string> Flags =>
    [
        .. ModelArguments.WeightFlags, .. ModelArguments.PreprocessFlags, "output", "val", "epochs", "optimizer", "lr", "momentum",
        "batch", "weight-decay", "label-smoothing", "seed", "augment", "workers", "cache-dir",
    ];
    public IReadOnlyCollection<string> Switches => [ModelArguments.PretrainedSwitch, "json", "no-cache", "no-balance"];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        if (args.Positionals.Count != 1)
        {
            throw new UsageException(args.Positionals.Count == 0 ? "no training folder given" : "give exactly one training folder");
        }
        if (args.Has("no-cache") && args.Has("cache-dir"))
        {
            throw new UsageException("give either --cache-dir DIR or --no-cache, not both");
        }
        var optimizer = args.GetEnum("optimizer", HeadOptimizer.Sgd);
        var training = new HeadTrainingOptions
        {
            Epochs = args.GetInt("epochs", 30, 1, 100_000),
            BatchSize = args.GetInt("batch", 64, 1, 1 << 20),
            Optimizer = optimizer,
            LearningRate = args.GetDouble("lr", 0, 100, minExclusive: true),
            Momentum = args.GetDouble("momentum", 0, 0.999) ?? 0.9,
            WeightDecay = args.GetDouble("weight-decay", 0, 10),
            LabelSmoothing = args.GetDouble("label-smoothing", 0, 0.999) ?? 0.1,
            ClassBalance = !args.Has("no-balance"),
            Seed = args.GetInt("seed", 0, 0),
        };
        string output = args.Require("output");
        bool json = args.Has("json");
        if (json && OutputFile.IsStandardOutput(output))
        {
            throw new UsageException("--json and --output - would both write to standard output: name an output file");
        }
        // As predict sees photos later: upright, as their EXIF orientation says.
        var preprocess = ModelArguments.Preprocess(args, Imaging.ExifOrientation.Apply);
        var device = ModelArguments.Device(args, DeviceSpec.Auto);
        var augment = args.GetEnum("augment", Augmentation.None);
        int workers = args.GetInt("workers", Math.Max(1, Environment.ProcessorCount / 2), 1, 256);
        string? cache = args.Has("no-cache") ? null : args.Get("cache-dir") ?? FineTuneOptions.DefaultCacheDirectory;
        OutputFile.Check(output, []);
        var (weights, model) = ModelArguments.Weights(args, stderr);
        var options = new FineTuneOptions
        {
            TrainDirectory = args.Positionals[0],
            ValidationDirectory = args.Get("val"),
            Model = model,
            Output = output,
            Training = training,
            Augment = augment,
            Device = device,
            Preprocess = preprocess,
            DecodeWorkers = workers,
            CacheDirectory = cache,
            Weights = weights,
        };

        var inv = CultureInfo.InvariantCulture;
        var line = new ProgressLine(stderr, tenthsWhenRedirected: true);
        var report = FineTuner.Run(options,
            p => line.Update(string.Format(inv, "features {0} {1}/{2} {3}{4}", p.Set, p.Done, p.Total,
                ProgressLine.Bar((double)p.Done / p.Total, 20), p.Unreadable > 0 ? $", {p.Unreadable} unreadable" : ""), (double)p.Done / p.Total),
            e => stderr.WriteLine(EpochLine(e)),
            notice =>
            {
                line.Finish("rexnet: " + notice);
            });
        foreach (var u in report.Train.Unreadable.Concat(report.Validation?.Unreadable ?? []))
        {
            stderr.WriteLine($"unreadable (skipped): {u.Path}: {u.Error}");
        }

        if (json)
        {
            WriteJson(stdout, options, report);
        }
        else
        {
            var final = report.Final;
            (OutputFile.IsStandardOutput(output) ? stderr : stdout).WriteLine(string.Format(inv, "wrote {0}: {1} with a {2}-class head ({3}), train top-1 {4:P2}{5}",
                report.Output, report.Model, report.Classes.Count, Shorten(string.Join(", ", report.Classes)), final.TrainTop1,
                final.ValTop1 is { } v ? string.Format(inv, ", val top-1 {0:P2}", v) : ""));
        }
        return CommandLine.ExitOk;
    }

    private static string EpochLine(EpochReport e)
    {
        var inv = CultureInfo.InvariantCulture;
        string val = e.ValLoss is { } loss ? string.Format(inv, "  val loss {0:F4} top-1 {1:P2}", loss, e.ValTop1) : "";
        return string.Format(inv, "epoch {0,3}/{1}  lr {2:G4}  train loss {3:F4} top-1 {4:P2}{5}", e.Epoch, e.Epochs, e.LearningRate, e.TrainLoss, e.TrainTop1, val);
    }

    private static string Shorten(string s) => s.Length <= 100 ? s : s[..100] + "…";

    private static void WriteJson(TextWriter w, FineTuneOptions options, FineTuneReport report)
    {
        static object Set(FeatureSetReport s) => new
        {
            images = s.Images,
            samples = s.Samples,
            from_cache = s.FromCache,
            seconds = s.Seconds,
            unreadable = s.Unreadable.Select(u => new { path = u.Path, error = u.Error }),
        };
        var t = options.Training;
        var document = new
        {
            output = report.Output,
            model = report.Model,
            weights = options.Weights,
            classes = report.Classes,
            train = Set(report.Train),
            validation = report.Validation is { } v ? Set(v) : null,
            features = report.FeatureCount,
            kept_features = report.KeptFeatures,
            training = new
            {
                optimizer = t.Optimizer.ToString().ToLowerInvariant(),
                lr = t.EffectiveLearningRate,
                momentum = t.Optimizer == HeadOptimizer.Sgd ? t.Momentum : (double?)null,
                weight_decay = t.EffectiveWeightDecay,
                epochs = t.Epochs,
                batch = t.BatchSize,
                label_smoothing = t.LabelSmoothing,
                class_balance = t.ClassBalance,
                seed = t.Seed,
                augment = options.Augment.ToString().ToLowerInvariant(),
                preprocess = new
                {
                    preset = options.Preprocess.Preset.ToString().ToLowerInvariant(), size = options.Preprocess.Size, crop_pct = options.Preprocess.CropPct,
                    exif_orientation = options.Preprocess.ExifOrientation.ToString().ToLowerInvariant(),
                },
            },
            epochs = report.Epochs.Select(e => new
            {
                epoch = e.Epoch, lr = e.LearningRate, train_loss = e.TrainLoss, train_top1 = e.TrainTop1, val_loss = e.ValLoss, val_top1 = e.ValTop1,
            }),
            train_top1 = report.Final.TrainTop1,
            val_top1 = report.Final.ValTop1,
            folded_train_top1 = report.FoldedTrainTop1,
            training_seconds = report.TrainingSeconds,
        };
        w.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
    }
}
