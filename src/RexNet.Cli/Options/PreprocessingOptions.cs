using System.CommandLine;
using RexNet.Imaging;
using RexNet.Model;

namespace RexNet.Cli.Options;

/// <summary>How images become tensors: --preset, the input size, --crop-pct and, for commands that read images,
/// --exif-orientation with the command's own default. Unset, the size and crop follow the eval settings of timm's
/// pretrained config for the model, else timm's 224 and 0.875.</summary>
internal sealed class PreprocessingOptions(ExifOrientation? exifDefault)
{
    public Option<PreprocessPreset?> Preset { get; } = CliOptions.Choice("--preset",
        "whose eval transform: timm (PIL bicubic, antialiased) or paddle (OpenCV-style bilinear)", PreprocessPreset.Timm);

    public InputSizeOptions InputSize { get; } = new(InputSizeOptions.PretrainedEvalSize);

    public Option<double?> CropPct { get; } = CliOptions.Fraction("--crop-pct",
        "crop fraction: the image is resized to size / crop-pct and centre-cropped (default: the eval crop in timm's pretrained " +
        $"config for the model, 1.0 for rexnetr_200/300, else {PreprocessOptions.Default.CropPct})");

    private readonly Option<ExifOrientation?>? _exif = exifDefault is { } exif
        ? CliOptions.Choice("--exif-orientation", "whether to turn photos upright by their EXIF orientation tag first (timm ignores it)", exif)
        : null;

    public void AddTo(RexNetCommand command)
    {
        command.Add(Preset);
        InputSize.AddTo(command);
        command.Add(CropPct);
        if (_exif is not null)
        {
            command.Add(_exif);
        }
    }

    /// <summary>The options as given, the rest from <paramref name="pretrained"/> (the weights being used) or timm's defaults.</summary>
    public PreprocessOptions Resolve(ParseResult parse, PretrainedConfig? pretrained)
    {
        var defaults = PreprocessOptions.Default;
        var (height, width) = InputSize.Resolve(parse, pretrained?.EvalSize ?? defaults.Height);
        var options = new PreprocessOptions
        {
            Preset = parse.GetValue(Preset) ?? defaults.Preset,
            Height = height,
            Width = width,
            CropPct = parse.GetValue(CropPct) ?? pretrained?.EvalCropPct ?? defaults.CropPct,
            ExifOrientation = (_exif is null ? null : parse.GetValue(_exif)) ?? exifDefault ?? defaults.ExifOrientation,
        };
        options.Validate();
        return options;
    }
}
