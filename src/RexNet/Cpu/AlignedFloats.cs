using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RexNet.Cpu;

/// <summary>
/// Floats whose first element sits on a 64-byte boundary, on the pinned object heap so the boundary holds.
/// Arrays are only 8-byte aligned, and then every 512-bit load or store of a channels-last pixel straddles two
/// cache lines, which cost the depthwise conv about a third of its time.
/// </summary>
internal sealed class AlignedFloats
{
    private const int AlignmentBytes = 64;

    private readonly float[] _array;
    private readonly int _offset;

    public int Length { get; }

    public AlignedFloats(int length)
    {
        Length = length;
        _array = GC.AllocateArray<float>(length + AlignmentBytes / sizeof(float), pinned: true);
        nint address = AddressOf(_array);
        _offset = (int)((AlignmentBytes - address % AlignmentBytes) % AlignmentBytes) / sizeof(float);
    }

    public Span<float> Span => _array.AsSpan(_offset, Length);

    public Span<float> Slice(int start, int length) => Span.Slice(start, length);

    public Span<float> Slice(int start) => Span[start..];

    private static unsafe nint AddressOf(float[] pinned) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
}
