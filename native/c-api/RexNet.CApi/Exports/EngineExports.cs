using System.Runtime.InteropServices;

namespace RexNet.CApi.Exports;

/// <summary>Creating, describing and destroying engines.</summary>
internal static unsafe class EngineExports
{
    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_create")]
    public static int Create(byte* model, byte* weightsPath, byte* device, int maxBatch, int height, int width, nint* engine)
    {
        var options = new COptions
        {
            Size = (nuint)sizeof(COptions),
            Model = model,
            WeightsPath = weightsPath,
            Device = device,
            MaxBatch = maxBatch,
            Height = height,
            Width = width,
        };
        return CreateFrom(&options, engine);
    }

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_create_with_options")]
    public static int CreateWithOptions(COptions* options, nint* engine) => CreateFrom(options, engine);

    private static int CreateFrom(COptions* options, nint* engine)
    {
        if (engine is null)
        {
            return Boundary.Fail(Status.InvalidArgument, "engine (the output pointer) is NULL");
        }
        *engine = 0;
        try
        {
            var (engineOptions, exif) = EngineArguments.FromOptions(options);
            var created = RexNetEngine.Create(engineOptions);
            try
            {
                *engine = EngineRegistry.Add(created, engineOptions, exif);
            }
            catch
            {
                created.Dispose();
                throw;
            }
            return Boundary.Succeed();
        }
        catch (Exception e)
        {
            return Boundary.Fail(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_destroy")]
    public static void Destroy(nint engine)
    {
        try
        {
            if (engine == 0 || EngineRegistry.Remove(engine))
            {
                Boundary.Succeed();
                return;
            }
            Boundary.Fail(Status.InvalidArgument, $"engine 0x{engine:x} is not a live engine: it was already destroyed, or it did not come from rexnet_engine_create");
        }
        catch (Exception e)
        {
            Boundary.Fail(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_num_classes")]
    public static int NumClasses(nint engine) => Describe(engine, static e => e.Engine.NumClasses);

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_feature_count")]
    public static int FeatureCount(nint engine) => Describe(engine, static e => e.Engine.FeatureCount);

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_max_batch")]
    public static int MaxBatch(nint engine) => Describe(engine, static e => e.Engine.MaxBatch);

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_device")]
    public static byte* Device(nint engine) => DescribeText(engine, static e => e.Device);

    [UnmanagedCallersOnly(EntryPoint = "rexnet_engine_device_reason")]
    public static byte* DeviceReason(nint engine) => DescribeText(engine, static e => e.DeviceReason);

    /// <summary>A number about the engine, or -1 (with the reason in rexnet_last_error) for a bad handle.</summary>
    private static int Describe(nint engine, Func<EngineEntry, int> read)
    {
        try
        {
            using var lease = EngineRegistry.Acquire(engine);
            int value = read(lease.Entry);
            Boundary.Succeed();
            return value;
        }
        catch (Exception e)
        {
            Boundary.Fail(e);
            return -1;
        }
    }

    private delegate byte* TextReader(EngineEntry entry);

    /// <summary>A string the engine owns (valid until destroy), or NULL for a bad handle.</summary>
    private static byte* DescribeText(nint engine, TextReader read)
    {
        try
        {
            using var lease = EngineRegistry.Acquire(engine);
            byte* value = read(lease.Entry);
            Boundary.Succeed();
            return value;
        }
        catch (Exception e)
        {
            Boundary.Fail(e);
            return null;
        }
    }
}
