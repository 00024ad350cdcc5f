namespace RexNet.Cli.Reports;

/// <summary>`rexnet predict`: every image's top classes, and the images that could not be read.</summary>
internal sealed record PredictReport(
    string Model, string Device, string Weights, PreprocessSettings Preprocess, int Images, PredictResult[] Results, FailedImage[] Failed);

internal sealed record PredictResult(string Image, PredictedClass[] Predictions);

internal sealed record PredictedClass(int Rank, int ClassIndex, string? Synset, string Label, float Probability);

/// <summary>An image that could not be read or decoded, and why.</summary>
internal sealed record FailedImage(string Image, string Error);
