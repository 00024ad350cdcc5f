namespace RexNet.Imaging;

/// <summary>
/// Images in, the model's classes out (<see cref="RexNetEngine.ClassLabels"/>), on top of <see cref="RexNetEngine.Run"/>. Preprocessing defaults to the timm
/// preset at the engine's input size; many images are run in chunks of the engine's MaxBatch.
/// Like the engine itself, these are not thread-safe per engine.
/// </summary>
public static class ClassifyExtensions
{
    public static IReadOnlyList<Prediction> Classify(this RexNetEngine engine, string path, int topK = 5,
        PreprocessOptions? options = null) =>
        engine.ClassifyBatch([path], topK, options)[0];

    public static IReadOnlyList<Prediction> Classify(this RexNetEngine engine, Stream stream, int topK = 5,
        PreprocessOptions? options = null)
    {
        var o = OptionsFor(engine, options);
        float[] tensor = ImagePreprocessor.Preprocess(stream, "<stream>", o);
        return Run(engine, 1, (_, dst) => tensor.CopyTo(dst), topK)[0];
    }

    /// <summary>Classifies pixels already decoded by the caller (no EXIF orientation is known, so none is applied).</summary>
    public static IReadOnlyList<Prediction> Classify(this RexNetEngine engine, RgbImage image, int topK = 5,
        PreprocessOptions? options = null) =>
        engine.ClassifyBatch([image], topK, options)[0];

    public static IReadOnlyList<IReadOnlyList<Prediction>> ClassifyBatch(this RexNetEngine engine,
        IReadOnlyList<string> paths, int topK = 5, PreprocessOptions? options = null)
    {
        var o = OptionsFor(engine, options);
        return Run(engine, paths.Count, (i, dst) =>
        {
            using var image = SafeImageLoader.Default.Load(paths[i], o.ExifOrientation);
            ImagePreprocessor.Preprocess(image.View, o, dst);
        }, topK);
    }

    public static IReadOnlyList<IReadOnlyList<Prediction>> ClassifyBatch(this RexNetEngine engine,
        IReadOnlyList<RgbImage> images, int topK = 5, PreprocessOptions? options = null)
    {
        var o = OptionsFor(engine, options);
        return Run(engine, images.Count, (i, dst) =>
        {
            using var rgbx = images[i].ToRgbx();
            ImagePreprocessor.Preprocess(rgbx.View, o, dst);
        }, topK);
    }

    /// <summary>Predictions for a batch of already preprocessed [3, H, W] tensors laid end to end.</summary>
    public static IReadOnlyList<IReadOnlyList<Prediction>> ClassifyTensors(this RexNetEngine engine,
        ReadOnlyMemory<float> tensors, int topK = 5)
    {
        int per = engine.ImageElements;
        if (tensors.Length == 0 || tensors.Length % per != 0)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"tensors hold {tensors.Length} floats, not a whole number of {per}-float images");
        }
        return Run(engine, tensors.Length / per, (i, dst) => tensors.Span.Slice(i * per, per).CopyTo(dst), topK);
    }

    private delegate void FillImage(int index, Span<float> destination);

    private static IReadOnlyList<Prediction>[] Run(RexNetEngine engine, int count, FillImage fill, int topK)
    {
        var results = new IReadOnlyList<Prediction>[count];
        if (count == 0)
        {
            return results;
        }
        int per = engine.ImageElements;
        int chunk = Math.Min(count, engine.MaxBatch);
        var input = new float[chunk * per];
        var logits = new float[chunk * engine.NumClasses];
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            for (int j = 0; j < n; j++)
            {
                fill(start + j, input.AsSpan(j * per, per));
            }
            engine.Run(input.AsSpan(0, n * per), logits);
            for (int j = 0; j < n; j++)
            {
                results[start + j] = TopK.Predictions(logits.AsSpan(j * engine.NumClasses, engine.NumClasses), topK, engine.ClassLabels);
            }
        }
        return results;
    }

    /// <summary>The preprocessing for this engine: the caller's, or the timm preset at the engine's input size with the
    /// crop fraction of timm's pretrained config for the model (1.0 for rexnetr_200/300, else 0.875).</summary>
    public static PreprocessOptions OptionsFor(RexNetEngine engine, PreprocessOptions? options)
    {
        var o = options ?? PreprocessOptions.Default with
        {
            Height = engine.Height, Width = engine.Width,
            CropPct = Model.ModelZoo.TryGet(engine.Spec.Name, out var entry) && entry.Pretrained is { } p ? p.EvalCropPct : PreprocessOptions.Default.CropPct,
        };
        if (o.Height != engine.Height || o.Width != engine.Width)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"preprocessing crops {o.Height}x{o.Width} but the engine takes {engine.Height}x{engine.Width}");
        }
        o.Validate();
        return o;
    }
}
