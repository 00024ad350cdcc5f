using RexNet.Evaluation;

namespace RexNet.FineTuning;

/// <summary>Features of one image set: how many images, how many could be read, and whether they came from the cache.</summary>
public sealed record FeatureSetReport(int Images, int Samples, IReadOnlyList<UnreadableImage> Unreadable, bool FromCache, double Seconds);

/// <summary>
/// The outcome of a fine-tuning run. <see cref="FoldedTrainTop1"/> is the written head's top-1 on the raw training
/// features in float32, as the engine computes it: it equals the last epoch's train top-1 unless folding the
/// standardisation into the head lost precision.
/// </summary>
public sealed record FineTuneReport(
    string Output,
    string Model,
    IReadOnlyList<string> Classes,
    FeatureSetReport Train,
    FeatureSetReport? Validation,
    int FeatureCount,
    int KeptFeatures,
    IReadOnlyList<EpochReport> Epochs,
    double FoldedTrainTop1,
    double TrainingSeconds)
{
    public EpochReport Final => Epochs[^1];
}
