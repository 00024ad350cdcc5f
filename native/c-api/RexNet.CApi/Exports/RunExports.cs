using System.Runtime.InteropServices;

namespace RexNet.CApi.Exports;

/// <summary>Running preprocessed NCHW batches: logits or pooled features into the caller's buffer.</summary>
internal static unsafe class RunExports
{
    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_run")]
    public static int Run(nint engine, float* input, int batch, float* logits, nuint logitsCapacity) =>
        RunInto(engine, input, batch, logits, logitsCapacity, features: false);

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_features")]
    public static int Features(nint engine, float* input, int batch, float* features, nuint featuresCapacity) =>
        RunInto(engine, input, batch, features, featuresCapacity, features: true);

    private static int RunInto(nint engine, float* input, int batch, float* output, nuint capacity, bool features)
    {
        try
        {
            using var lease = EngineRegistry.Acquire(engine);
            var e = lease.Engine;
            if (input is null)
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument, "input is NULL");
            }
            if (batch < 1 || batch > e.MaxBatch)
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument, $"batch {batch} is outside 1..{e.MaxBatch} (this engine's max_batch)");
            }
            // The caller vouches for the input's length; the batch is what we can check.
            var source = new ReadOnlySpan<float>(input, batch * e.ImageElements);
            string name = features ? "features" : "logits";
            var destination = Output(output, capacity, batch, features ? e.FeatureCount : e.NumClasses, name);
            if (features)
            {
                e.RunFeatures(source, destination);
            }
            else
            {
                e.Run(source, destination);
            }
            return Boundary.Succeed();
        }
        catch (Exception ex)
        {
            return Boundary.Fail(ex);
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
