using System.Runtime.InteropServices;
using RexNet.Imaging;

namespace RexNet.CApi.Exports;

/// <summary>Top-k classes with labels: from logits the caller has, or from an image file.</summary>
internal static unsafe class ClassifyExports
{
    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_top_k")]
    public static int TopKOf(nint engine, float* logits, int topK, CPrediction* predictions)
    {
        try
        {
            using var lease = EngineRegistry.Acquire(engine);
            int classes = lease.Engine.NumClasses;
            if (logits is null)
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument, "logits is NULL");
            }
            RequireTopK(classes, topK, predictions);
            Write(lease.Entry, TopK.Predictions(new ReadOnlySpan<float>(logits, classes), topK, lease.Engine.ClassLabels), predictions);
            return Boundary.Succeed();
        }
        catch (Exception e)
        {
            return Boundary.Fail(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_classify_file")]
    public static int ClassifyFile(nint engine, byte* imagePath, int topK, CPrediction* predictions)
    {
        try
        {
            using var lease = EngineRegistry.Acquire(engine);
            string path = Utf8Strings.Require(imagePath, "image_path");
            RequireTopK(lease.Engine.NumClasses, topK, predictions);
            var preprocessing = ClassifyExtensions.OptionsFor(lease.Engine, null) with { ExifOrientation = lease.Entry.Exif };
            Write(lease.Entry, lease.Engine.Classify(path, topK, preprocessing), predictions);
            return Boundary.Succeed();
        }
        catch (Exception e)
        {
            return Boundary.Fail(e);
        }
    }

    private static void RequireTopK(int classes, int topK, CPrediction* predictions)
    {
        if (topK < 1 || topK > classes)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"top_k {topK} is outside 1..{classes} (the model's classes)");
        }
        if (predictions is null)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, "predictions is NULL");
        }
    }

    private static void Write(EngineEntry entry, IReadOnlyList<Prediction> found, CPrediction* predictions)
    {
        for (int i = 0; i < found.Count; i++)
        {
            entry.Write(found[i], predictions + i);
        }
    }
}
