using System.Globalization;
using RexNet.Hub;
using RexNet.Imaging;
using RexNet.Model;

namespace RexNet.Cli;

/// <summary>The options that predict and eval share: model, weights (a file or the hub), device, preprocessing.</summary>
internal static class ModelArguments
{
    public static readonly string[] WeightFlags = ["model", "weights", "device"];
    public static readonly string[] PreprocessFlags = ["preset", "size", "crop-pct"];
    public const string PretrainedSwitch = "pretrained";

    public static ZooEntry Model(Arguments args) => ModelZoo.Get(args.Get("model") ?? "rexnet_100");

    /// <summary>The --weights file, or timm's pretrained file from the hub cache or the hub for --pretrained.</summary>
    public static string Weights(Arguments args, ZooEntry entry, TextWriter stderr)
    {
        string? file = args.Get("weights");
        bool pretrained = args.Has(PretrainedSwitch);
        if (file is not null && pretrained)
        {
            throw new UsageException("give either --weights FILE or --pretrained, not both");
        }
        if (file is not null)
        {
            return file;
        }
        if (!pretrained)
        {
            throw new UsageException("no weights: give --weights FILE (timm .safetensors) or --pretrained (timm's ImageNet weights from the hub)");
        }
        var bar = new ProgressLine(stderr);
        string label = $"{entry.HubRepository}/{PretrainedWeights.FileName}";
        long last = -1;
        string path = PretrainedWeights.Resolve(entry, progress: (received, total) =>
        {
            last = received;
            bar.Update(total is > 0 and var t
                ? $"downloading {label} {ProgressLine.Bar((double)received / t)} {received / 1e6:F1}/{t / 1e6:F1} MB"
                : $"downloading {label} {received / 1e6:F1} MB", total is > 0 and var u ? (double)received / u : null);
        }, notice: n => stderr.WriteLine($"rexnet: {n}"));
        if (last >= 0)
        {
            bar.Finish($"downloaded {label} ({last / 1e6:F1} MB) to {path}");
        }
        return path;
    }

    public static PreprocessOptions Preprocess(Arguments args)
    {
        var preset = args.GetEnum("preset", PreprocessPreset.Timm);
        var options = new PreprocessOptions { Preset = preset, Size = args.GetInt("size", 224, ModelSpec.MinInputSize, 4096) };
        if (args.Get("crop-pct") is { } text)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double pct) || !(pct > 0 && pct <= 1))
            {
                throw new UsageException($"--crop-pct must be a number in (0, 1], got '{text}'");
            }
            options = options with { CropPct = pct };
        }
        options.Validate();
        return options;
    }
}
