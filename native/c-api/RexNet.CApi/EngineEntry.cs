using RexNet.Imaging;

namespace RexNet.CApi;

/// <summary>
/// What a rexnet_engine* stands for: the engine and the C strings handed out about it. Reference
/// counted: the registry holds one reference until rexnet_engine_destroy, each call holds one while it
/// runs, and the last release disposes the engine and frees the strings, so destroying an engine that
/// another thread is using never pulls memory from under that call.
/// </summary>
internal sealed unsafe class EngineEntry
{
    private readonly nint[] _synsets;
    private readonly nint[] _labels;
    private int _references = 1;

    public RexNetEngine Engine { get; }
    public byte* Device { get; }
    public byte* DeviceReason { get; }

    /// <summary>Whether rexnet_engine_classify_file turns photos upright by their EXIF orientation.</summary>
    public ExifOrientation Exif { get; }

    public EngineEntry(RexNetEngine engine, EngineOptions options, ExifOrientation exif)
    {
        Engine = engine;
        Exif = exif;
        Device = Utf8Strings.Allocate(DeviceName(engine, options));
        DeviceReason = Utf8Strings.Allocate(engine.DeviceReason);
        _synsets = new nint[engine.NumClasses];
        _labels = new nint[engine.NumClasses];
    }

    /// <summary>"cpu" or "cuda:N": where the engine runs, which for Auto only the engine knows.</summary>
    private static string DeviceName(RexNetEngine engine, EngineOptions options) =>
        (engine.Device == DeviceKind.Cuda ? new DeviceSpec(DeviceKind.Cuda, options.DeviceIndex) : DeviceSpec.Cpu).ToString();

    public bool TryAcquire()
    {
        int seen = Volatile.Read(ref _references);
        while (seen > 0)
        {
            int previous = Interlocked.CompareExchange(ref _references, seen + 1, seen);
            if (previous == seen)
            {
                return true;
            }
            seen = previous;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Engine.Dispose();
            Utf8Strings.Free(Device);
            Utf8Strings.Free(DeviceReason);
            FreeAll(_synsets);
            FreeAll(_labels);
        }
    }

    /// <summary>Fills a C prediction; its strings are this engine's, made once per class and kept until destroy.</summary>
    public void Write(Prediction prediction, CPrediction* destination)
    {
        destination->ClassIndex = prediction.ClassIndex;
        destination->Probability = prediction.Probability;
        destination->Synset = Intern(_synsets, prediction.ClassIndex, prediction.Synset);
        destination->Label = Intern(_labels, prediction.ClassIndex, prediction.Label);
    }

    /// <summary>A class's string as C sees it; a class without one (no synset) is NULL.</summary>
    private static byte* Intern(nint[] table, int index, string? text)
    {
        if (text is null)
        {
            return null;
        }
        nint existing = Volatile.Read(ref table[index]);
        if (existing != 0)
        {
            return (byte*)existing;
        }
        var made = (nint)Utf8Strings.Allocate(text);
        existing = Interlocked.CompareExchange(ref table[index], made, 0);
        if (existing == 0)
        {
            return (byte*)made;
        }
        Utf8Strings.Free((byte*)made);
        return (byte*)existing;
    }

    private static void FreeAll(nint[] table)
    {
        foreach (nint text in table)
        {
            Utf8Strings.Free((byte*)text);
        }
    }
}
