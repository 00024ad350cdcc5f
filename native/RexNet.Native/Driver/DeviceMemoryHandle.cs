namespace RexNet.Native.Driver;

/// <summary>
/// One cuMemAlloc allocation. Copies are bounds-checked against its size; offsets are in bytes.
/// Asynchronous host copies take pinned memory only, because pageable memory would make them
/// synchronous and a managed array could move while the copy is in flight.
/// </summary>
internal sealed unsafe class DeviceMemoryHandle : ContextBoundHandle
{
    internal DeviceMemoryHandle() { }

    public long ByteLength { get; internal set; }

    /// <summary>The CUdeviceptr, for kernel arguments and cuBLAS; valid while this handle is alive.</summary>
    public ulong Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (ulong)handle;
        }
    }

    public void CopyFrom<T>(ReadOnlySpan<T> source, long byteOffset = 0) where T : unmanaged
    {
        long bytes = (long)source.Length * sizeof(T);
        ulong at = At(byteOffset, bytes);
        fixed (T* p = source)
        {
            Context.Health.Check(CuDriver.cuMemcpyHtoD_v2(at, p, (nuint)bytes), "cuMemcpyHtoD_v2");
        }
    }

    public void CopyTo<T>(Span<T> destination, long byteOffset = 0) where T : unmanaged
    {
        long bytes = (long)destination.Length * sizeof(T);
        ulong at = At(byteOffset, bytes);
        fixed (T* p = destination)
        {
            Context.Health.Check(CuDriver.cuMemcpyDtoH_v2(p, at, (nuint)bytes), "cuMemcpyDtoH_v2");
        }
    }

    public void CopyFrom(DeviceMemoryHandle source, long sourceOffset, long byteOffset, long bytes)
    {
        ulong from = source.At(sourceOffset, bytes);
        ulong to = At(byteOffset, bytes);
        Context.Health.Check(CuDriver.cuMemcpyDtoD_v2(to, from, (nuint)bytes), "cuMemcpyDtoD_v2");
        GC.KeepAlive(source);
    }

    public void CopyFromAsync(PinnedHostMemoryHandle source, long sourceOffset, long byteOffset, long bytes, CudaStreamHandle stream)
    {
        void* from = source.At(sourceOffset, bytes);
        ulong to = At(byteOffset, bytes);
        Context.Health.Check(CuDriver.cuMemcpyHtoDAsync_v2(to, from, (nuint)bytes, stream), "cuMemcpyHtoDAsync_v2");
        GC.KeepAlive(source);
    }

    public void CopyToAsync(PinnedHostMemoryHandle destination, long destinationOffset, long byteOffset, long bytes, CudaStreamHandle stream)
    {
        void* to = destination.At(destinationOffset, bytes);
        ulong from = At(byteOffset, bytes);
        Context.Health.Check(CuDriver.cuMemcpyDtoHAsync_v2(to, from, (nuint)bytes, stream), "cuMemcpyDtoHAsync_v2");
        GC.KeepAlive(destination);
    }

    public void CopyFromAsync(DeviceMemoryHandle source, long sourceOffset, long byteOffset, long bytes, CudaStreamHandle stream)
    {
        ulong from = source.At(sourceOffset, bytes);
        ulong to = At(byteOffset, bytes);
        Context.Health.Check(CuDriver.cuMemcpyDtoDAsync_v2(to, from, (nuint)bytes, stream), "cuMemcpyDtoDAsync_v2");
        GC.KeepAlive(source);
    }

    /// <summary>Sets every byte of the allocation (stream null: synchronous).</summary>
    public void Fill(byte value, CudaStreamHandle? stream = null)
    {
        ulong at = At(0, ByteLength);
        Context.Health.Check(stream is null
            ? CuDriver.cuMemsetD8_v2(at, value, (nuint)ByteLength)
            : CuDriver.cuMemsetD8Async(at, value, (nuint)ByteLength, stream), stream is null ? "cuMemsetD8_v2" : "cuMemsetD8Async");
    }

    /// <summary>Sets <paramref name="count"/> 32-bit words from a 4-byte aligned offset (a float's bits, an int).</summary>
    public void Fill32(uint value, long byteOffset, long count, CudaStreamHandle? stream = null)
    {
        if (byteOffset % 4 != 0)
        {
            throw new ArgumentException($"offset {byteOffset} is not a multiple of 4", nameof(byteOffset));
        }
        ulong at = At(byteOffset, count * 4);
        Context.Health.Check(stream is null
            ? CuDriver.cuMemsetD32_v2(at, value, (nuint)count)
            : CuDriver.cuMemsetD32Async(at, value, (nuint)count, stream), stream is null ? "cuMemsetD32_v2" : "cuMemsetD32Async");
    }

    internal ulong At(long byteOffset, long bytes)
    {
        Guard();
        if (byteOffset < 0 || bytes < 0 || byteOffset > ByteLength - bytes)
        {
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"{bytes} bytes at offset {byteOffset} do not fit in a {ByteLength}-byte device buffer");
        }
        return (ulong)handle + (ulong)byteOffset;
    }

    protected override CuResult Destroy(IntPtr value) => CuDriver.cuMemFree_v2((ulong)value);
}
