using System.CommandLine;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.Imaging;
using RexNet.IO;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet preprocess`: one image to the float32 [1, 3, H, W] tensor the model is fed.</summary>
internal sealed class PreprocessCommand : RexNetCommand
{
    private readonly Argument<string> _image = new("IMAGE") { Description = "the image file (JPEG or PNG)" };
    // The parity interface: by default the tensor timm makes, and timm ignores EXIF orientation.
    private readonly PreprocessingOptions _preprocess = new(ExifOrientation.Ignore);
    private readonly FileOutputOptions _output = new("the float32 [1, 3, height, width] tensor to write (.npy)");

    public PreprocessCommand() : base("preprocess", "Turn an image into the normalised float32 NCHW tensor a model takes, as a .npy file (timm's eval transform by default).")
    {
        Add(_image);
        _preprocess.AddTo(this);
        _output.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet preprocess cat.jpg --output cat.npy", "timm's 224x224 eval tensor (resize to 256, centre crop)"),
        ("rexnet preprocess cat.jpg --size 288 --crop-pct 1 --output cat.npy", "rexnetr_200's eval tensor"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        string image = parse.GetValue(_image)!;
        string output = _output.Path(parse);
        var options = _preprocess.Resolve(parse, pretrained: null);
        OutputFile.Check(output, [image]);
        float[] tensor = ImagePreprocessor.Preprocess(image, options);
        int[] shape = [1, 3, options.Height, options.Width];
        OutputFile.Write(output, s => NpyFile.WriteFloat32(s, shape, tensor), console.RawOut);
        _output.Summarise(parse, console,
            $"{image} -> {output} [{string.Join(", ", shape)}] ({options.Preset.ToString().ToLowerInvariant()}, resized to cover {options.ScaleHeight}x{options.ScaleWidth})",
            new PreprocessSummary(image, output, shape, PreprocessSettings.Of(options)));
        return ExitCodes.Ok;
    }
}
