using System.Diagnostics;
using System.Threading.Channels;
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
/// Top-1/top-5 evaluation. Decoding and preprocessing run on background workers that feed a bounded channel, so
/// they overlap inference; the engine is only ever called from the calling thread (a GPU context is bound to the
/// thread that made it). Batches are as large as the engine's MaxBatch. Images that fail to decode are counted and
/// listed, never fatal.
/// </summary>
public static class Evaluator
{
    private sealed record Decoded(int Index, float[]? Tensor, string? Error);

    public static EvalReport Evaluate(RexNetEngine engine, IReadOnlyList<EvalSample> samples, EvalOptions? options = null,
        Action<EvalProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= new EvalOptions();
        var preprocess = ClassifyExtensions.OptionsFor(engine, options.Preprocess);
        int batch = engine.MaxBatch;
        int per = engine.ImageElements;
        var clock = Stopwatch.StartNew();

        var work = Channel.CreateUnbounded<int>();
        for (int i = 0; i < samples.Count; i++)
        {
            work.Writer.TryWrite(i);
        }
        work.Writer.Complete();
        var decoded = Channel.CreateBounded<Decoded>(new BoundedChannelOptions(Math.Max(1, options.QueuedBatches) * batch)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var workers = Enumerable.Range(0, Math.Max(1, options.DecodeWorkers))
            .Select(_ => Task.Run(() => DecodeAsync(work.Reader, decoded.Writer, samples, preprocess, SafeImageLoader.For(options.Limits), stop.Token)))
            .ToArray();
        var completion = Task.WhenAll(workers).ContinueWith(t => decoded.Writer.TryComplete(t.Exception), TaskScheduler.Default);

        var input = new float[batch * per];
        var logits = new float[batch * engine.NumClasses];
        var pending = new List<int>(batch);
        var unreadable = new List<UnreadableImage>();
        int done = 0, top1 = 0, top5 = 0;
        try
        {
            // Blocking waits keep every engine call on this thread.
            while (decoded.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
            {
                while (decoded.Reader.TryRead(out var item))
                {
                    if (item.Tensor is null)
                    {
                        unreadable.Add(new UnreadableImage(samples[item.Index].Path, item.Error ?? "unreadable"));
                        done++;
                        continue;
                    }
                    item.Tensor.CopyTo(input.AsSpan(pending.Count * per, per));
                    pending.Add(item.Index);
                    if (pending.Count == batch)
                    {
                        Score();
                    }
                }
            }
            if (pending.Count > 0)
            {
                Score();
            }
        }
        finally
        {
            stop.Cancel();
            completion.GetAwaiter().GetResult();
        }
        progress?.Invoke(new EvalProgress(done, samples.Count, unreadable.Count, top1, clock.Elapsed.TotalSeconds));
        unreadable.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new EvalReport(samples.Count, done - unreadable.Count, top1, top5, clock.Elapsed.TotalSeconds, unreadable);

        void Score()
        {
            int n = pending.Count;
            engine.Run(input.AsSpan(0, n * per), logits);
            for (int j = 0; j < n; j++)
            {
                int[] best = TopK.Indices(logits.AsSpan(j * engine.NumClasses, engine.NumClasses), 5);
                int label = samples[pending[j]].Label;
                top1 += best[0] == label ? 1 : 0;
                top5 += Array.IndexOf(best, label) >= 0 ? 1 : 0;
            }
            done += n;
            pending.Clear();
            progress?.Invoke(new EvalProgress(done, samples.Count, unreadable.Count, top1, clock.Elapsed.TotalSeconds));
        }
    }

    private static async Task DecodeAsync(ChannelReader<int> work, ChannelWriter<Decoded> output, IReadOnlyList<EvalSample> samples,
        PreprocessOptions preprocess, SafeImageLoader loader, CancellationToken cancel)
    {
        while (await work.WaitToReadAsync(cancel).ConfigureAwait(false))
        {
            while (work.TryRead(out int index))
            {
                Decoded item;
                try
                {
                    using var image = loader.Load(samples[index].Path, preprocess.ExifOrientation);
                    var tensor = new float[preprocess.TensorElements];
                    ImagePreprocessor.Preprocess(image.View, preprocess, tensor);
                    item = new Decoded(index, tensor, null);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or RexNet.IO.InvalidInputFileException)
                {
                    item = new Decoded(index, null, e is RexNet.IO.InvalidInputFileException bad ? bad.Problem : e.Message.ReplaceLineEndings(" "));
                }
                await output.WriteAsync(item, cancel).ConfigureAwait(false);
            }
        }
    }
}
