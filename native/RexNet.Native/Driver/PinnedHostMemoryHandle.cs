namespace RexNet.Native.Driver;

/// <summary>Page-locked host memory from cuMemHostAlloc: the source or target of asynchronous copies.</summary>
internal sealed unsafe class PinnedHostMemoryHandle : ContextBoundHandle
{
    internal PinnedHostMemoryHandle() { }

    public long ByteLength { get; internal set; }

    /// <summary>The memory as a span of <typeparamref name="T"/>; valid while this handle is alive.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return new Span<T>((void*)handle, checked((int)(ByteLength / sizeof(T))));
    }

    internal void* At(long byteOffset, long bytes)
    {
        Guard();
        if (byteOffset < 0 || bytes < 0 || byteOffset > ByteLength - bytes)
        {
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"{bytes} bytes at offset {byteOffset} do not fit in a {ByteLength}-byte pinned buffer");
        }
        return (byte*)handle + byteOffset;
    }

    protected override CuResult Destroy(IntPtr value) => CuDriver.cuMemFreeHost(value);
}
