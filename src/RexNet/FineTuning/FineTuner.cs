using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RexNet.Evaluation;
using RexNet.IO;

namespace RexNet.FineTuning;

/// <summary>
/// Transfer learning of the head: the backbone's pooled features of every image are extracted once (cached between
/// runs), standardised, and a new linear softmax head is trained on them in C#; the result is written as a complete
/// weights file whose head has one row per class folder and whose metadata names the classes.
/// </summary>
public static class FineTuner
{
    public static FineTuneReport Run(FineTuneOptions options, Action<ExtractionProgress>? extraction = null,
        Action<EpochReport>? epochs = null, Action<string>? notice = null, CancellationToken cancel = default)
    {
        options.Training.Validate();
        options.Preprocess.Validate();
        if (options.ExtractionBatch < 1)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"the extraction batch must be at least 1, got {options.ExtractionBatch}");
        }
        OutputFile.Check(options.Output, [options.Weights]);
        var train = ClassFolderDataset.Load(options.TrainDirectory, "training");
        var validation = options.ValidationDirectory is { } valDir ? ClassFolderDataset.LoadValidation(valDir, train.Classes) : null;
        OutputFile.Check(options.Output, [.. train.Samples.Select(s => s.Path), .. validation?.Samples.Select(s => s.Path) ?? []]);

        int largest = Math.Max(train.Samples.Count, validation?.Samples.Count ?? 0);
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = options.Model, Weights = options.Weights,
            MaxBatch = Math.Min(options.ExtractionBatch, largest), Height = options.Preprocess.Height, Width = options.Preprocess.Width,
        }.WithDevice(options.Device));
        notice?.Invoke($"{engine.Spec.Name} on {engine.Device} ({engine.DeviceReason}): {train.Classes.Count} classes, " +
                       $"{train.Samples.Count} training images{(validation is null ? "" : $", {validation.Samples.Count} validation images")}");
        var cache = options.CacheDirectory is { } dir ? new FeatureCache(dir, options.Weights) : null;
        bool mirror = options.Augment == Augmentation.Flip;

        var (trainFeatures, trainReport) = Features(engine, options, cache, "train", train, mirror, extraction, notice, cancel);
        var trainSet = TrainingSet(train, trainFeatures);
        LabelledFeatures? valSet = null;
        FeatureSetReport? valReport = null;
        if (validation is not null)
        {
            (var valFeatures, valReport) = Features(engine, options, cache, "validation", validation, false, extraction, notice, cancel);
            valSet = new LabelledFeatures(valFeatures.Features, valFeatures.SampleOfRow.Select(i => validation.Samples[i].Label).ToArray());
        }
        var spec = engine.Spec;
        // The backbone's buffers (on the GPU, perhaps) are not needed while the head trains.
        engine.Dispose();

        var clock = Stopwatch.StartNew();
        var standardiser = FeatureStandardiser.Fit(trainSet.Features);
        if (standardiser.KeptFeatures == 0)
        {
            throw new RexNetException(RexNetErrorCode.InvalidFile,
                $"{options.Weights}: every pooled feature is the same for all training images, so there is nothing to learn from");
        }
        var history = new List<EpochReport>();
        var head = HeadTrainer.Train(Standardised(standardiser, trainSet), valSet is null ? null : Standardised(standardiser, valSet),
            train.Classes.Count, options.Training, e =>
            {
                history.Add(e);
                epochs?.Invoke(e);
            }, cancel);
        var folded = standardiser.Fold(head);
        double foldedTop1 = HeadMetrics.Measure(folded, trainSet.Features, trainSet.Labels).Top1;
        if (Math.Abs(foldedTop1 - history[^1].TrainTop1) > 0.01)
        {
            notice?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"warning: the written head classifies {foldedTop1:P1} of the training samples right where the trained one did {history[^1].TrainTop1:P1} (precision lost folding the standardisation)"));
        }
        double seconds = clock.Elapsed.TotalSeconds;

        var report = new FineTuneReport(options.Output, spec.Name, train.Classes, trainReport, valReport,
            spec.PenultimateChannels, standardiser.KeptFeatures, history, foldedTop1, seconds);
        FineTunedWeights.Write(options.Weights, options.Output, spec, train.Classes, folded, Summary(options, report));
        return report;
    }

    private static (ExtractedFeatures, FeatureSetReport) Features(RexNetEngine engine, FineTuneOptions options, FeatureCache? cache, string set,
        ClassFolderDataset data, bool mirror, Action<ExtractionProgress>? progress, Action<string>? notice, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var paths = data.Samples.Select(s => s.Path).ToArray();
        string? key = cache?.Key(engine.Spec.Name, options.Preprocess, mirror, paths);
        var features = key is null ? null : cache!.TryLoad(key, paths, engine.FeatureCount, mirror);
        bool cached = features is not null;
        if (features is null)
        {
            features = FeatureExtractor.Extract(engine, paths, options.Preprocess, mirror, options.DecodeWorkers,
                (done, unreadable) => progress?.Invoke(new ExtractionProgress(set, done, paths.Length, unreadable)), cancel);
            if (key is not null)
            {
                try
                {
                    cache!.Store(key, features);
                }
                catch (Exception e) when (e is RexNetException or IOException or UnauthorizedAccessException)
                {
                    notice?.Invoke($"warning: the {set} features could not be cached in {cache!.Directory}: {e.Message}");
                }
            }
        }
        else
        {
            progress?.Invoke(new ExtractionProgress(set, paths.Length, paths.Length, features.Unreadable.Count));
        }
        string skipped = features.Unreadable.Count > 0 ? $", {features.Unreadable.Count} unreadable and skipped" : "";
        notice?.Invoke(cached
            ? $"{set} features of {paths.Length} images from the cache{skipped}"
            : string.Create(CultureInfo.InvariantCulture, $"{set} features of {paths.Length} images extracted in {clock.Elapsed.TotalSeconds:F1} s{skipped}"));
        if (features.Features.Rows == 0)
        {
            throw new InvalidInputFileException(data.Root, $"none of the {paths.Length} {set} images could be read");
        }
        int samples = features.Features.Rows * (features.Mirrored is null ? 1 : 2);
        return (features, new FeatureSetReport(paths.Length, samples, features.Unreadable, cached, clock.Elapsed.TotalSeconds));
    }

    /// <summary>The training rows (and their mirror images), refusing a class left without a readable image.</summary>
    private static LabelledFeatures TrainingSet(ClassFolderDataset train, ExtractedFeatures features)
    {
        var labels = features.SampleOfRow.Select(i => train.Samples[i].Label).ToArray();
        var empty = Enumerable.Range(0, train.Classes.Count).Where(c => !labels.Contains(c)).Select(c => $"'{train.Classes[c]}'").ToArray();
        if (empty.Length > 0)
        {
            throw new InvalidInputFileException(train.Root, $"no readable training image in class {string.Join(", ", empty)}");
        }
        if (features.Mirrored is not { } mirrored)
        {
            return new LabelledFeatures(features.Features, labels);
        }
        var both = new FeatureMatrix(2 * features.Features.Rows, features.Features.Columns);
        features.Features.Data.CopyTo(both.Data, 0);
        mirrored.Data.CopyTo(both.Data, features.Features.Data.Length);
        return new LabelledFeatures(both, [.. labels, .. labels]);
    }

    private static LabelledFeatures Standardised(FeatureStandardiser standardiser, LabelledFeatures set) =>
        new(standardiser.Apply(set.Features), set.Labels);

    /// <summary>How the head was made, stored in the weights' metadata for whoever uses them later.</summary>
    private static string Summary(FineTuneOptions options, FineTuneReport report)
    {
        var t = options.Training;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("backbone", Path.GetFileName(options.Weights));
            w.WriteNumber("classes", report.Classes.Count);
            w.WriteNumber("train_images", report.Train.Images - report.Train.Unreadable.Count);
            if (report.Validation is { } v)
            {
                w.WriteNumber("val_images", v.Images - v.Unreadable.Count);
            }
            w.WriteNumber("epochs", t.Epochs);
            w.WriteString("optimizer", t.Optimizer.ToString().ToLowerInvariant());
            w.WriteNumber("lr", t.EffectiveLearningRate);
            w.WriteNumber("weight_decay", t.EffectiveWeightDecay);
            w.WriteNumber("batch", t.BatchSize);
            w.WriteNumber("label_smoothing", t.LabelSmoothing);
            w.WriteBoolean("class_balance", t.ClassBalance);
            w.WriteNumber("seed", t.Seed);
            w.WriteString("augment", options.Augment.ToString().ToLowerInvariant());
            w.WriteString("preprocess", string.Create(CultureInfo.InvariantCulture,
                $"{options.Preprocess.Preset.ToString().ToLowerInvariant()} {options.Preprocess.Height}x{options.Preprocess.Width} crop_pct {options.Preprocess.CropPct} exif {options.Preprocess.ExifOrientation.ToString().ToLowerInvariant()}"));
            w.WriteNumber("train_top1", report.Final.TrainTop1);
            if (report.Final.ValTop1 is { } top1)
            {
                w.WriteNumber("val_top1", top1);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
