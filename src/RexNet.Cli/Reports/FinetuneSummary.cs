namespace RexNet.Cli.Reports;

/// <summary>What `rexnet finetune` wrote and how the head was trained.</summary>
internal sealed record FinetuneSummary(
    string Output, string Model, string Weights, IReadOnlyList<string> Classes, FinetuneSet Train, FinetuneSet? Validation,
    int Features, int KeptFeatures, FinetuneTraining Training, FinetuneEpoch[] Epochs, double TrainTop1, double? ValTop1,
    double FoldedTrainTop1, double TrainingSeconds);

internal sealed record FinetuneSet(int Images, int Samples, bool FromCache, double Seconds, FailedImage[] Unreadable);

internal sealed record FinetuneTraining(
    string Optimizer, double Lr, double? Momentum, double WeightDecay, int Epochs, int Batch, double LabelSmoothing, bool ClassBalance, int Seed,
    string Augment, PreprocessSettings Preprocess);

internal sealed record FinetuneEpoch(int Epoch, double Lr, double TrainLoss, double TrainTop1, double? ValLoss, double? ValTop1);
