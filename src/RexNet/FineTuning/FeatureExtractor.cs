using RexNet.Evaluation;
using RexNet.Imaging;

namespace RexNet.FineTuning;

/// <summary>Progress of feature extraction, after each batch.</summary>
public sealed record ExtractionProgress(string Set, int Done, int Total, int Unreadable);

/// <summary>
/// Runs images through the engine's backbone once (<see cref="RexNetEngine.RunFeatures"/>), decoding on background
/// workers while the engine runs. With mirroring, each batch is run a second time flipped left to right: the mirror
/// image of the centre crop, which is what a horizontal flip before cropping gives up to a pixel of crop offset.
/// </summary>
internal static class FeatureExtractor
{
    public static ExtractedFeatures Extract(RexNetEngine engine, IReadOnlyList<string> paths, PreprocessOptions preprocess, bool mirror,
        int decodeWorkers, Action<int, int>? progress, CancellationToken cancel)
    {
        int per = engine.ImageElements, batch = engine.MaxBatch, d = engine.FeatureCount;
        var all = new FeatureMatrix(paths.Count, d);
        var allMirrored = mirror ? new FeatureMatrix(paths.Count, d) : null;
        var readable = new bool[paths.Count];
        var unreadable = new List<UnreadableImage>();
        var input = new float[batch * per];
        var output = new float[batch * d];
        var pending = new List<int>(batch);
        int done = 0;

        foreach (var item in ImageDecodePipeline.Decode(paths, preprocess, ImageLimits.Default, decodeWorkers, 4 * batch, cancel))
        {
            if (item.Tensor is null)
            {
                unreadable.Add(new UnreadableImage(paths[item.Index], item.Error ?? "unreadable"));
                done++;
                continue;
            }
            item.Tensor.CopyTo(input.AsSpan(pending.Count * per, per));
            pending.Add(item.Index);
            if (pending.Count == batch)
            {
                Flush();
            }
        }
        if (pending.Count > 0)
        {
            Flush();
        }
        progress?.Invoke(done, unreadable.Count);
        unreadable.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        var rows = Enumerable.Range(0, paths.Count).Where(i => readable[i]).ToArray();
        return new ExtractedFeatures(Compact(all, rows), allMirrored is null ? null : Compact(allMirrored, rows), rows, unreadable);

        void Flush()
        {
            int n = pending.Count;
            var images = input.AsSpan(0, n * per);
            Scatter(all);
            if (allMirrored is not null)
            {
                MirrorRows(images, engine.Width);
                Scatter(allMirrored);
            }
            foreach (int index in pending)
            {
                readable[index] = true;
            }
            done += n;
            pending.Clear();
            progress?.Invoke(done, unreadable.Count);

            void Scatter(FeatureMatrix target)
            {
                engine.RunFeatures(input.AsSpan(0, n * per), output);
                for (int j = 0; j < n; j++)
                {
                    output.AsSpan(j * d, d).CopyTo(target.Row(pending[j]));
                }
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

    private static FeatureMatrix Compact(FeatureMatrix all, int[] rows)
    {
        var result = new FeatureMatrix(rows.Length, all.Columns);
        for (int r = 0; r < rows.Length; r++)
        {
            all.Row(rows[r]).CopyTo(result.Row(r));
        }
        return result;
    }
}
