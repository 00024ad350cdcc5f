using RexNet.Evaluation;
using RexNet.Imaging;

namespace RexNet.FineTuning;

/// <summary>Progress of feature extraction, after each batch: images done (read or not) of the set's total.</summary>
public sealed record ExtractionProgress(string Set, int Done, int Total, int Unreadable);

/// <summary>
/// Runs images through the engine's backbone once (<see cref="RexNetEngine.RunFeatures"/>), decoding on background
/// workers while the engine runs. With mirroring, each batch is run a second time flipped left to right: the mirror
/// image of the centre crop, which is what a horizontal flip before cropping gives up to a pixel of crop offset.
/// Rows come out in sample order whatever order the workers finish in, so the result is deterministic.
/// </summary>
internal static class FeatureExtractor
{
    public static ExtractedFeatures Extract(RexNetEngine engine, IReadOnlyList<string> paths, PreprocessOptions preprocess, bool mirror,
        int decodeWorkers, Action<int, int>? progress, CancellationToken cancel)
    {
        int d = engine.FeatureCount;
        var all = new FeatureMatrix(paths.Count, d);
        var allMirrored = mirror ? new FeatureMatrix(paths.Count, d) : null;
        var readable = new bool[paths.Count];
        var unreadable = new List<UnreadableImage>();
        var output = new float[engine.MaxBatch * d];
        var flipped = mirror ? new float[engine.MaxBatch * engine.ImageElements] : [];
        int done = 0;

        foreach (var images in ImageDecodePipeline.DecodeBatches(paths, preprocess, ImageLimits.Default, decodeWorkers, 4, engine.MaxBatch, unreadable, cancel))
        {
            Scatter(images.Images, images.Indices, all);
            if (allMirrored is not null)
            {
                var mirrored = flipped.AsSpan(0, images.Images.Length);
                images.Images.CopyTo(mirrored);
                MirrorRows(mirrored, engine.Width);
                Scatter(mirrored, images.Indices, allMirrored);
            }
            foreach (int index in images.Indices)
            {
                readable[index] = true;
            }
            done += images.Count;
            progress?.Invoke(done + unreadable.Count, unreadable.Count);
        }
        progress?.Invoke(done + unreadable.Count, unreadable.Count);
        unreadable.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        var rows = Enumerable.Range(0, paths.Count).Where(i => readable[i]).ToArray();
        return new ExtractedFeatures(Compact(all, rows), allMirrored is null ? null : Compact(allMirrored, rows), rows, unreadable);

        void Scatter(ReadOnlySpan<float> batch, List<int> indices, FeatureMatrix target)
        {
            engine.RunFeatures(batch, output);
            for (int j = 0; j < indices.Count; j++)
            {
                output.AsSpan(j * d, d).CopyTo(target.Row(indices[j]));
            }
        }
    }

    /// <summary>Reverses every row of a batch of [3, H, W] planes: a left-right flip.</summary>
    internal static void MirrorRows(Span<float> images, int width)
    {
        for (int start = 0; start < images.Length; start += width)
        {
            images.Slice(start, width).Reverse();
        }
    }

    /// <summary>The rows of readable samples; all of them as they are when every image could be read.</summary>
    private static FeatureMatrix Compact(FeatureMatrix all, int[] rows)
    {
        if (rows.Length == all.Rows)
        {
            return all;
        }
        var result = new FeatureMatrix(rows.Length, all.Columns);
        for (int r = 0; r < rows.Length; r++)
        {
            all.Row(rows[r]).CopyTo(result.Row(r));
        }
        return result;
    }
}
