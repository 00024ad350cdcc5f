namespace RexNet.Imaging;

/// <summary>One class of a classification result, with its softmax probability. <see cref="Synset"/> is the
/// WordNet id for ImageNet-1k models and null for others (a fine-tuned head's classes have only their labels).</summary>
public sealed record Prediction(int ClassIndex, string? Synset, string Label, float Probability);
