using System.CommandLine;
using RexNet.Model;

namespace RexNet.Cli.Options;

/// <summary>The input resolution, spelt the same by every command that sets one: --height H --width W, or --size N
/// for a square N x N.</summary>
internal sealed class InputSizeOptions
{
    public const int Max = 4096;

    /// <summary>The default of the commands that run pretrained weights at their own eval size.</summary>
    public const string PretrainedEvalSize = "the eval size in timm's pretrained config for the model, 288 for rexnetr_200/300, else 224";

    public InputSizeOptions(string defaultNote)
    {
        Size = CliOptions.OptionalInt("--size", $"square input size, the same as --height N --width N (default: {defaultNote})", ModelSpec.MinInputSize, Max);
        Height = CliOptions.OptionalInt("--height", "input height in pixels (with --width)", ModelSpec.MinInputSize, Max, "H");
        Width = CliOptions.OptionalInt("--width", "input width in pixels (with --height)", ModelSpec.MinInputSize, Max, "W");
    }

    public Option<int?> Size { get; }
    public Option<int?> Height { get; }
    public Option<int?> Width { get; }

    public void AddTo(RexNetCommand command)
    {
        command.Add(Size);
        command.Add(Height);
        command.Add(Width);
        command.AddCheck(Check);
    }

    private string? Check(ParseResult parse)
    {
        bool size = parse.GetValue(Size) is not null, height = parse.GetValue(Height) is not null, width = parse.GetValue(Width) is not null;
        if (size && (height || width))
        {
            return "give --size N for a square input or --height H --width W, not both";
        }
        if (height != width)
        {
            return height ? "--height needs --width (or use --size N for a square input)" : "--width needs --height (or use --size N for a square input)";
        }
        return null;
    }

    /// <summary>Whether any of the three was given.</summary>
    public bool Given(ParseResult parse) => parse.GetValue(Size) is not null || parse.GetValue(Height) is not null || parse.GetValue(Width) is not null;

    /// <summary>(height, width) as given, else the square <paramref name="defaultSize"/>.</summary>
    public (int Height, int Width) Resolve(ParseResult parse, int defaultSize) =>
        parse.GetValue(Size) is { } s ? (s, s)
        : parse.GetValue(Height) is { } h ? (h, parse.GetValue(Width)!.Value)
        : (defaultSize, defaultSize);
}
