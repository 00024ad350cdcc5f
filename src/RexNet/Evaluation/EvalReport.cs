namespace RexNet.Evaluation;

/// <summary>An image that could not be decoded, and why.</summary>
public sealed record UnreadableImage(string Path, string Error);

/// <summary>Progress after each batch.</summary>
public sealed record EvalProgress(int Done, int Total, int Unreadable, int Top1Correct, double Seconds);

/// <summary>The outcome of an evaluation. Accuracies are over the images that could be read.</summary>
public sealed record EvalReport(
    int Images,
    int Evaluated,
    int Top1Correct,
    int Top5Correct,
    double Seconds,
    IReadOnlyList<UnreadableImage> Unreadable)
{
    public double Top1 => Evaluated == 0 ? 0 : (double)Top1Correct / Evaluated;
    public double Top5 => Evaluated == 0 ? 0 : (double)Top5Correct / Evaluated;
    public double ImagesPerSecond => Seconds > 0 ? Evaluated / Seconds : 0;
}
