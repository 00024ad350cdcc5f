using System.Threading.Channels;
using RexNet.Imaging;
using RexNet.IO;

namespace RexNet.Evaluation;

/// <summary>One image of a pipeline: its tensor, or why it could not be read.</summary>
internal sealed record DecodedTensor(int Index, float[]? Tensor, string? Error);

/// <summary>Up to a batch of decoded images laid end to end in <see cref="Input"/>; <see cref="Indices"/> says whose.
/// The buffers are reused for the next batch.</summary>
internal sealed record DecodedBatch(float[] Input, List<int> Indices, int ImageElements)
{
    public int Count => Indices.Count;
    public ReadOnlySpan<float> Images => Input.AsSpan(0, Count * ImageElements);
}

/// <summary>
/// Decodes and preprocesses image files on background workers that feed a bounded channel, so that decoding
/// overlaps whatever the caller does with the tensors (running the engine). Items come back on the calling
/// thread, which keeps every engine call there (a GPU context is bound to the thread that made it); with one
/// worker they come in the order of the paths. An image that fails to decode is an item with an error, never
/// an exception.
/// </summary>
internal static class ImageDecodePipeline
{
    private static IEnumerable<DecodedTensor> Decode(IReadOnlyList<string> paths, PreprocessOptions preprocess, ImageLimits limits,
        int workers, int capacity, CancellationToken cancel)
    {
        var work = Channel.CreateUnbounded<int>();
        for (int i = 0; i < paths.Count; i++)
        {
            work.Writer.TryWrite(i);
        }
        work.Writer.Complete();
        var decoded = Channel.CreateBounded<DecodedTensor>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var tasks = Enumerable.Range(0, Math.Max(1, workers))
            .Select(_ => Task.Run(() => DecodeAsync(work.Reader, decoded.Writer, paths, preprocess, limits, stop.Token)))
            .ToArray();
        var completion = Task.WhenAll(tasks).ContinueWith(t => decoded.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        try
        {
            // Blocking waits keep the consumer on the calling thread.
            while (decoded.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
            {
                while (decoded.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            stop.Cancel();
            completion.GetAwaiter().GetResult();
        }
    }

    /// <summary>The readable images in batches of <paramref name="batch"/> (the last one smaller); the others are
    /// added to <paramref name="unreadable"/> as they come, before the batch that follows them.</summary>
    public static IEnumerable<DecodedBatch> DecodeBatches(IReadOnlyList<string> paths, PreprocessOptions preprocess, ImageLimits limits,
        int workers, int queuedBatches, int batch, ICollection<UnreadableImage> unreadable, CancellationToken cancel)
    {
        int per = preprocess.TensorElements;
        var pending = new DecodedBatch(new float[batch * per], new List<int>(batch), per);
        foreach (var item in Decode(paths, preprocess, limits, workers, Math.Max(1, queuedBatches) * batch, cancel))
        {
            if (item.Tensor is null)
            {
                unreadable.Add(new UnreadableImage(paths[item.Index], item.Error ?? "unreadable"));
                continue;
            }
            item.Tensor.CopyTo(pending.Input.AsSpan(pending.Count * per, per));
            pending.Indices.Add(item.Index);
            if (pending.Count == batch)
            {
                yield return pending;
                pending.Indices.Clear();
            }
        }
        if (pending.Count > 0)
        {
            yield return pending;
        }
    }

    private static async Task DecodeAsync(ChannelReader<int> work, ChannelWriter<DecodedTensor> output, IReadOnlyList<string> paths,
        PreprocessOptions preprocess, ImageLimits limits, CancellationToken cancel)
    {
        while (await work.WaitToReadAsync(cancel).ConfigureAwait(false))
        {
            while (work.TryRead(out int index))
            {
                DecodedTensor item;
                try
                {
                    item = new DecodedTensor(index, ImagePreprocessor.Preprocess(paths[index], preprocess, limits), null);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidInputFileException)
                {
                    item = new DecodedTensor(index, null, e is InvalidInputFileException bad ? bad.Problem : e.Message.ReplaceLineEndings(" "));
                }
                await output.WriteAsync(item, cancel).ConfigureAwait(false);
            }
        }
    }
}
