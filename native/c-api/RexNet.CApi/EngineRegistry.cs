using System.Collections.Concurrent;

namespace RexNet.CApi;

/// <summary>
/// Maps the opaque rexnet_engine* values handed to C to live engines. A handle is a number never
/// reused in the process, not an address, so a destroyed, stale or made-up handle is reported as
/// such instead of being dereferenced.
/// </summary>
internal static class EngineRegistry
{
    private static readonly ConcurrentDictionary<nint, EngineEntry> Entries = new();
    private static long _lastHandle;

    public static nint Add(RexNetEngine engine, EngineOptions options, Imaging.ExifOrientation exif)
    {
        // 16-byte steps keep handles looking like aligned pointers to debuggers and sanitizers.
        var handle = (nint)Interlocked.Add(ref _lastHandle, 16);
        Entries[handle] = new EngineEntry(engine, options, exif);
        return handle;
    }

    /// <summary>The engine behind <paramref name="handle"/>, held until the lease is disposed.</summary>
    public static Lease Acquire(nint handle)
    {
        if (handle == 0)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, "engine is NULL");
        }
        if (Entries.TryGetValue(handle, out var entry) && entry.TryAcquire())
        {
            return new Lease(entry);
        }
        throw new RexNetException(RexNetErrorCode.InvalidArgument,
            $"engine 0x{handle:x} is not a live engine: it was destroyed, or it did not come from rexnet_engine_create");
    }

    /// <summary>Unregisters the handle; the engine goes when its last call returns. False when it was not live.</summary>
    public static bool Remove(nint handle)
    {
        if (!Entries.TryRemove(handle, out var entry))
        {
            return false;
        }
        entry.Release();
        return true;
    }

    public readonly ref struct Lease(EngineEntry entry)
    {
        public EngineEntry Entry { get; } = entry;
        public RexNetEngine Engine => Entry.Engine;
        public void Dispose() => Entry.Release();
    }
}
