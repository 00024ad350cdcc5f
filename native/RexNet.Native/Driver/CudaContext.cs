using System.Runtime.InteropServices;

namespace RexNet.Native.Driver;

/// <summary>
/// A device's primary context, retained for the lifetime of this object, and the factory for every
/// resource in it. Its <see cref="Health"/> turns the first sticky error into a fast failure of every
/// later call. Not thread-safe: an engine owns one context and uses it from one thread at a time.
/// </summary>
internal sealed unsafe class CudaContext : IDisposable
{
    private CudaContext(PrimaryContextHandle handle, CudaDeviceInfo device)
    {
        Handle = handle;
        Device = device;
    }

    public PrimaryContextHandle Handle { get; }
    public CudaDeviceInfo Device { get; }
    public ContextHealth Health { get; } = new();

    public static CudaContext Create(int ordinal = 0)
    {
        var info = CudaDevices.Describe(ordinal);
        DriverErrors.Check(CuDriver.cuDeviceGet(out int device, ordinal), "cuDeviceGet");
        var handle = new PrimaryContextHandle(device);
        DriverErrors.Check(CuDriver.cuDevicePrimaryCtxRetain(out IntPtr raw, device), "cuDevicePrimaryCtxRetain");
        handle.Attach(raw);
        var context = new CudaContext(handle, info);
        try
        {
            context.MakeCurrent();
        }
        catch
        {
            context.Dispose();
            throw;
        }
        return context;
    }

    /// <summary>Binds the context to the calling thread; needed once per thread that issues work.</summary>
    public void MakeCurrent()
    {
        Health.ThrowIfBroken();
        Health.Check(CuDriver.cuCtxSetCurrent(Handle), "cuCtxSetCurrent");
    }

    public void Synchronize()
    {
        Health.ThrowIfBroken();
        Health.Check(CuDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    public (long FreeBytes, long TotalBytes) MemoryInfo()
    {
        Health.ThrowIfBroken();
        Health.Check(CuDriver.cuMemGetInfo_v2(out nuint free, out nuint total), "cuMemGetInfo_v2");
        return ((long)free, (long)total);
    }

    public CudaStreamHandle CreateStream(CuStreamFlags flags = CuStreamFlags.NonBlocking)
    {
        Health.ThrowIfBroken();
        var stream = new CudaStreamHandle();
        Health.Check(CuDriver.cuStreamCreate(out IntPtr raw, flags), "cuStreamCreate");
        stream.Attach(this, raw);
        return stream;
    }

    public CudaEventHandle CreateEvent(CuEventFlags flags = CuEventFlags.Default)
    {
        Health.ThrowIfBroken();
        var cuEvent = new CudaEventHandle();
        Health.Check(CuDriver.cuEventCreate(out IntPtr raw, flags), "cuEventCreate");
        cuEvent.Attach(this, raw);
        return cuEvent;
    }

    public DeviceMemoryHandle Allocate(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        Health.ThrowIfBroken();
        var memory = new DeviceMemoryHandle { ByteLength = bytes };
        Health.Check(CuDriver.cuMemAlloc_v2(out ulong raw, (nuint)bytes), "cuMemAlloc_v2", $"{bytes} bytes");
        memory.Attach(this, (IntPtr)raw);
        return memory;
    }

    public PinnedHostMemoryHandle AllocatePinned(long bytes, CuMemHostAllocFlags flags = CuMemHostAllocFlags.None)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        Health.ThrowIfBroken();
        var memory = new PinnedHostMemoryHandle { ByteLength = bytes };
        Health.Check(CuDriver.cuMemHostAlloc(out IntPtr raw, (nuint)bytes, flags), "cuMemHostAlloc", $"{bytes} bytes");
        memory.Attach(this, raw);
        return memory;
    }

    /// <summary>
    /// Loads a CUBIN, or PTX text that the driver compiles for this device. A JIT failure carries the
    /// driver's error log. PTX is NUL-terminated here when the caller has not done it.
    /// </summary>
    public CudaModuleHandle LoadModule(ReadOnlySpan<byte> image)
    {
        Health.ThrowIfBroken();
        byte[] terminated = new byte[image.Length + 1];
        image.CopyTo(terminated);
        const int LogBytes = 16 * 1024;
        byte* log = stackalloc byte[LogBytes];
        log[0] = 0;
        CuJitOption* options = stackalloc CuJitOption[2];
        void** values = stackalloc void*[2];
        options[0] = CuJitOption.ErrorLogBuffer;
        values[0] = log;
        options[1] = CuJitOption.ErrorLogBufferSizeBytes;
        values[1] = (void*)LogBytes;
        var module = new CudaModuleHandle();
        CuResult result;
        IntPtr raw;
        fixed (byte* p = terminated)
        {
            result = CuDriver.cuModuleLoadDataEx(out raw, p, 2, options, values);
        }
        string jitLog = Marshal.PtrToStringUTF8((IntPtr)log)?.Trim() ?? "";
        Health.Check(result, "cuModuleLoadDataEx", jitLog.Length > 0 ? "JIT log: " + jitLog : null);
        module.Attach(this, raw);
        return module;
    }

    public void Dispose() => Handle.Dispose();

    public override string ToString() => $"CUDA device {Device.Ordinal} ({Device.Name})";
}
