using RexNet.Evaluation;

namespace RexNet.FineTuning;

/// <summary>
/// Pooled features of the readable images of a sample list, in sample order: row r belongs to sample
/// <c>SampleOfRow[r]</c>. <see cref="Mirrored"/> holds the features of each image's mirror image when asked for.
/// </summary>
internal sealed record ExtractedFeatures(FeatureMatrix Features, FeatureMatrix? Mirrored, int[] SampleOfRow, IReadOnlyList<UnreadableImage> Unreadable);
