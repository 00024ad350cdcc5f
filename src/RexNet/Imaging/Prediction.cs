namespace RexNet.Imaging;

/// <summary>One class of a classification result, with its softmax probability.</summary>
public sealed record Prediction(int ClassIndex, string Synset, string Label, float Probability);
