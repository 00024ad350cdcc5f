namespace RexNet.Native.Driver;

/// <summary>
/// A kernel's arguments, each in its own 8-byte slot of caller-provided (usually stackalloc'd)
/// storage, so a launch allocates nothing. Scalars occupy the low bytes of their slot, which is what
/// the kernel reads on a little-endian host.
/// </summary>
internal ref struct KernelArguments
{
    private readonly Span<ulong> _slots;
    private int _count;

    public KernelArguments(Span<ulong> storage)
    {
        _slots = storage;
        _count = 0;
    }

    public readonly int Count => _count;

    internal readonly ReadOnlySpan<ulong> Slots => _slots[.._count];

    public void Add(DeviceMemoryHandle buffer) => Add(buffer.Pointer);

    public void Add(ulong devicePointer) => Next() = devicePointer;

    public void Add(int value) => Next() = (uint)value;

    public void Add(uint value) => Next() = value;

    public void Add(float value) => Next() = BitConverter.SingleToUInt32Bits(value);

    private ref ulong Next()
    {
        if (_count == _slots.Length)
        {
            throw new InvalidOperationException($"kernel argument storage holds {_slots.Length} arguments; give it more slots");
        }
        ref ulong slot = ref _slots[_count++];
        slot = 0;
        return ref slot;
    }
}
