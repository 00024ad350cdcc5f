using RexNet.Imaging;
using RexNet.IO;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet preprocess`: one image to the float32 [1, 3, H, W] tensor the model is fed.</summary>
internal sealed class PreprocessCommand : ICommand
{
    public string Name => "preprocess";
    public string Summary => "turn an image into the normalised float32 NCHW tensor a model takes (.npy)";
    public string Usage => "IMAGE --output X.npy [--preset timm|paddle] [--size N] [--crop-pct F] [--exif-orientation ignore|apply]";
    public IReadOnlyCollection<string> Flags => ["output", .. ModelArguments.PreprocessFlags];
    public IReadOnlyCollection<string> Switches => [];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        if (args.Positionals.Count != 1)
        {
            throw new UsageException(args.Positionals.Count == 0 ? "no image given" : "give exactly one image");
        }
        string image = args.Positionals[0];
        string output = args.Require("output");
        // The parity interface: by default the tensor timm makes, and timm ignores EXIF orientation.
        var options = ModelArguments.Preprocess(args, ExifOrientation.Ignore);
        OutputFile.Check(output, [image]);
        float[] tensor = ImagePreprocessor.Preprocess(image, options);
        OutputFile.Write(output, s => NpyFile.WriteFloat32(s, [1, 3, options.Size, options.Size], tensor), rawStdout);
        stderr.WriteLine($"{image} -> {output} [1, 3, {options.Size}, {options.Size}] ({options.Preset.ToString().ToLowerInvariant()}, " +
                         $"short side {options.ResizeShortSide})");
        return CommandLine.ExitOk;
    }
}
