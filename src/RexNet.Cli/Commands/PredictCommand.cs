using System.Globalization;
using System.Text.Json;
using RexNet.Imaging;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet predict`: the top classes of one or more images, named by the weights' labels (ImageNet-1k for timm's).</summary>
internal sealed class PredictCommand : ICommand
{
    private const int MaxBatch = 8;

    public string Name => "predict";
    public string Summary => "classify images: top-k classes (ImageNet-1k, or a fine-tuned head's labels) with probabilities";
    public string Usage => "IMAGE... (--weights FILE | --pretrained) [--model NAME] [--device auto|cpu|cuda|cuda:N] [--top 5] [--json] " +
                           "[--preset timm|paddle] [--size N] [--crop-pct F] [--exif-orientation apply|ignore]";
    public IReadOnlyCollection<string> Flags => [.. ModelArguments.WeightFlags, .. ModelArguments.PreprocessFlags, "top"];
    public IReadOnlyCollection<string> Switches => [ModelArguments.PretrainedSwitch, "json"];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        var images = args.Positionals;
        if (images.Count == 0)
        {
            throw new UsageException("no images given");
        }
        int top = args.GetInt("top", 5, 1, 100_000);
        var device = ModelArguments.Device(args, DeviceSpec.Auto);
        // People's photos: a portrait phone shot is classified the right way up unless asked otherwise.
        var preprocess = ModelArguments.Preprocess(args, ExifOrientation.Apply);
        var (weights, model) = ModelArguments.Weights(args, stderr);

        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = model, Weights = weights,
            MaxBatch = Math.Min(images.Count, MaxBatch), Height = preprocess.Size, Width = preprocess.Size,
        }.WithDevice(device));
        stderr.WriteLine($"{engine.Spec.Name} on {engine.Device} ({engine.DeviceReason}), weights {weights}");
        var results = engine.ClassifyBatch(images, top, preprocess);

        if (args.Has("json"))
        {
            WriteJson(stdout, engine.Spec.Name, engine.Device, weights, preprocess, images, results);
        }
        else
        {
            WriteText(stdout, images, results);
        }
        return CommandLine.ExitOk;
    }

    private static void WriteText(TextWriter w, IReadOnlyList<string> images, IReadOnlyList<IReadOnlyList<Prediction>> results)
    {
        var inv = CultureInfo.InvariantCulture;
        for (int i = 0; i < images.Count; i++)
        {
            w.WriteLine(images[i]);
            for (int k = 0; k < results[i].Count; k++)
            {
                var p = results[i][k];
                string where = p.Synset is null ? $"class {p.ClassIndex}" : $"{p.Synset}, class {p.ClassIndex}";
                w.WriteLine(string.Format(inv, "  {0,2}. {1,7:P2}  {2} ({3})", k + 1, p.Probability, p.Label, where));
            }
        }
    }

    private static void WriteJson(TextWriter w, string model, DeviceKind device, string weights, PreprocessOptions preprocess,
        IReadOnlyList<string> images, IReadOnlyList<IReadOnlyList<Prediction>> results)
    {
        var document = new
        {
            model,
            device = device.ToString().ToLowerInvariant(),
            weights,
            preprocess = new
            {
                preset = preprocess.Preset.ToString().ToLowerInvariant(), size = preprocess.Size, crop_pct = preprocess.CropPct,
                exif_orientation = preprocess.ExifOrientation.ToString().ToLowerInvariant(),
            },
            results = images.Select((image, i) => new
            {
                image,
                predictions = results[i].Select(p => new
                {
                    class_index = p.ClassIndex, synset = p.Synset, label = p.Label, probability = p.Probability,
                }),
            }),
        };
        w.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
    }
}
