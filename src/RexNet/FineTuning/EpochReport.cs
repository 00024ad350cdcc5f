namespace RexNet.FineTuning;

/// <summary>
/// Where training stands after one epoch. Losses are plain mean cross-entropy (no smoothing, no class weights)
/// over the whole set, so train and validation numbers compare directly; top-1 is the fraction classified right.
/// </summary>
public sealed record EpochReport(int Epoch, int Epochs, double LearningRate, double TrainLoss, double TrainTop1, double? ValLoss, double? ValTop1);
