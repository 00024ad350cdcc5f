namespace RexNet.Cli.Reports;

/// <summary>What `rexnet init` wrote.</summary>
internal sealed record InitSummary(string Output, string Model, int Seed, bool Pretrained);

/// <summary>What `rexnet preprocess` wrote.</summary>
internal sealed record PreprocessSummary(string Image, string Output, int[] Shape, PreprocessSettings Preprocess);

/// <summary>What `rexnet run` and `rexnet run-onnx` wrote.</summary>
internal sealed record RunSummary(string Input, string Output, string Model, string Engine, string Device, int[] InputShape, int[] OutputShape, bool Features);

/// <summary>What `rexnet export-onnx` wrote.</summary>
internal sealed record ExportSummary(
    string Output, string Model, string Weights, int Opset, long IrVersion, string InputShape, bool BatchNormKept, int Nodes, long Parameters,
    int Classes, bool LabelsEmbedded, PreprocessSettings Preprocess);

/// <summary>The preprocessing a result was made with, as every report writes it.</summary>
internal sealed record PreprocessSettings(string Preset, int Height, int Width, double CropPct, int ScaleHeight, int ScaleWidth, string ExifOrientation)
{
    public static PreprocessSettings Of(Imaging.PreprocessOptions o) =>
        new(o.Preset.ToString().ToLowerInvariant(), o.Height, o.Width, o.CropPct, o.ScaleHeight, o.ScaleWidth, o.ExifOrientation.ToString().ToLowerInvariant());
}
