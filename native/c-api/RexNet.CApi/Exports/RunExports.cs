using System.Runtime.InteropServices;

namespace RexNet.CApi.Exports;

/// <summary>Running preprocessed NCHW batches: logits or pooled features into the caller's buffer.</summary>
internal static unsafe class RunExports
{
    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_run")]
    public static int Run(nint engine, float* input, int batch, float* logits, nuint logitsCapacity)
    {
        try
        {
            using var lease = EngineRegistry.Acquire(engine);
            var e = lease.Engine;
            var source = Input(e, input, batch);
            var destination = Output(logits, logitsCapacity, batch, e.NumClasses, "logits");
            e.Run(source, destination);
            return Boundary.Succeed();
        }
        catch (Exception ex)
        {
            return Boundary.Fail(ex);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_features")]
    public static int Features(nint engine, float* input, int batch, float* features, nuint featuresCapacity)
    {
        try
        {
            using var lease = EngineRegistry.Acquire(engine);
            var e = lease.Engine;
            var source = Input(e, input, batch);
            var destination = Output(features, featuresCapacity, batch, e.FeatureCount, "features");
            e.RunFeatures(source, destination);
            return Boundary.Succeed();
        }
        catch (Exception ex)
        {
            return Boundary.Fail(ex);
        }
    }

    /// <summary>batch images of [3, H, W] floats; the caller vouches for the length, we check the count.</summary>
    public static ReadOnlySpan<float> Input(RexNetEngine engine, float* input, int batch)
    {
        if (input is null)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, "input is NULL");
        }
        RequireBatch(engine, batch);
        return new ReadOnlySpan<float>(input, batch * engine.ImageElements);
    }

    public static void RequireBatch(RexNetEngine engine, int batch)
    {
        if (batch < 1 || batch > engine.MaxBatch)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"batch {batch} is outside 1..{engine.MaxBatch} (this engine's max_batch)");
        }
    }

    private static Span<float> Output(float* buffer, nuint capacity, int batch, int perImage, string name)
    {
        if (buffer is null)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{name} is NULL");
        }
        int needed = batch * perImage;
        if (capacity < (nuint)needed)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"{name}_capacity is {capacity} floats; batch {batch} needs {needed} ({batch} x {perImage})");
        }
        return new Span<float>(buffer, needed);
    }
}
