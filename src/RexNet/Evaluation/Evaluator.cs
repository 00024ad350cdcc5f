using System.Diagnostics;
using RexNet.Imaging;

namespace RexNet.Evaluation;

public sealed record EvalOptions
{
    public PreprocessOptions Preprocess { get; init; } = PreprocessOptions.Default;

    /// <summary>Images decoded at once in the background; one keeps the order of the samples.</summary>
    public int DecodeWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Decoded images that may wait for the engine, in batches; bounds the memory the pipeline holds.</summary>
    public int QueuedBatches { get; init; } = 4;

    /// <summary>Size limits every image is checked against before it is decoded.</summary>
    public ImageLimits Limits { get; init; } = ImageLimits.Default;
}

/// <summary>
/// Top-1/top-5 evaluation. Decoding and preprocessing run in an <see cref="ImageDecodePipeline"/>, so they overlap
/// inference; the engine is only ever called from the calling thread. Batches are as large as the engine's MaxBatch. Images that fail to decode are counted and
/// listed, never fatal.
/// </summary>
public static class Evaluator
{
    public static EvalReport Evaluate(RexNetEngine engine, IReadOnlyList<EvalSample> samples, EvalOptions? options = null,
        Action<EvalProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= new EvalOptions();
        var preprocess = ClassifyExtensions.OptionsFor(engine, options.Preprocess);
        int batch = engine.MaxBatch;
        var clock = Stopwatch.StartNew();

        var logits = new float[batch * engine.NumClasses];
        var unreadable = new List<UnreadableImage>();
        int evaluated = 0, top1 = 0, top5 = 0;
        var paths = samples.Select(s => s.Path).ToArray();
        foreach (var images in ImageDecodePipeline.DecodeBatches(paths, preprocess, options.Limits, options.DecodeWorkers,
                     options.QueuedBatches, batch, unreadable, cancel))
        {
            engine.Run(images.Images, logits);
            for (int j = 0; j < images.Count; j++)
            {
                int[] best = TopK.Indices(logits.AsSpan(j * engine.NumClasses, engine.NumClasses), 5);
                int label = samples[images.Indices[j]].Label;
                top1 += best[0] == label ? 1 : 0;
                top5 += Array.IndexOf(best, label) >= 0 ? 1 : 0;
            }
            evaluated += images.Count;
            progress?.Invoke(new EvalProgress(evaluated + unreadable.Count, samples.Count, unreadable.Count, top1, clock.Elapsed.TotalSeconds));
        }
        progress?.Invoke(new EvalProgress(evaluated + unreadable.Count, samples.Count, unreadable.Count, top1, clock.Elapsed.TotalSeconds));
        unreadable.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new EvalReport(samples.Count, evaluated, top1, top5, clock.Elapsed.TotalSeconds, unreadable);
    }
}
