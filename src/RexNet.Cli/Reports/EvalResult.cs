namespace RexNet.Cli.Reports;

/// <summary>`rexnet eval`: accuracy over a labelled folder or list. Accuracies are fractions over the images read.</summary>
internal sealed record EvalResult(
    string Model, string Device, string Weights, string Dataset, string? List, int Batch, PreprocessSettings Preprocess,
    int Images, int Evaluated, double Top1, double Top5, int Top1Correct, int Top5Correct, long ParamCount,
    double Seconds, double ImagesPerSecond, FailedImage[] Unreadable);
