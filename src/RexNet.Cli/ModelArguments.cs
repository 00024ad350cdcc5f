using System.Globalization;
using RexNet.Hub;
using RexNet.Imaging;
using RexNet.Model;

namespace RexNet.Cli;

/// <summary>The options that predict and eval share: model, weights (a file or the hub), device, preprocessing.</summary>
internal static class ModelArguments
{
    public static readonly string[] WeightFlags = ["model", "weights", "device"];
    public static readonly string[] PreprocessFlags = ["preset", "size", "crop-pct", "exif-orientation"];
    public const string PretrainedSwitch = "pretrained";

    /// <summary>The model --pretrained downloads when --model is not given.</summary>
    public const string DefaultPretrained = "rexnet_100";

    /// <summary>--device as <see cref="DeviceSpec"/> reads it (auto, cpu, cuda, cuda:N).</summary>
    public static DeviceSpec Device(Arguments args, DeviceSpec fallback)
    {
        string? text = args.Get("device");
        if (text is null)
        {
            return fallback;
        }
        return DeviceSpec.TryParse(text, out var device) ? device : throw new UsageException($"--device must be {DeviceSpec.AcceptedForms}, got '{text}'");
    }

    /// <summary>
    /// The --weights file with the --model asked for (null: the engine tells the model from the file), or for
    /// --pretrained timm's file of --model (default rexnet_100) from the hub cache or the hub.
    /// </summary>
    public static (string Path, string? Model) Weights(Arguments args, TextWriter stderr)
    {
        string? file = args.Get("weights");
        bool pretrained = args.Has(PretrainedSwitch);
        if (file is not null && pretrained)
        {
            throw new UsageException("give either --weights FILE or --pretrained, not both");
        }
        if (file is not null)
        {
            return (file, args.Get("model"));
        }
        if (!pretrained)
        {
            throw new UsageException("no weights: give --weights FILE (timm .safetensors) or --pretrained (timm's ImageNet weights from the hub)");
        }
        var entry = ModelZoo.Get(args.Get("model") ?? DefaultPretrained);
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
        return (path, entry.Name);
    }

    /// <summary>The preprocessing flags; <paramref name="exif"/> is the command's own default for --exif-orientation.</summary>
    public static PreprocessOptions Preprocess(Arguments args, ExifOrientation exif)
    {
        var preset = args.GetEnum("preset", PreprocessPreset.Timm);
        var options = new PreprocessOptions
        {
            Preset = preset, Size = args.GetInt("size", 224, ModelSpec.MinInputSize, 4096),
            ExifOrientation = args.GetEnum("exif-orientation", exif),
        };
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
