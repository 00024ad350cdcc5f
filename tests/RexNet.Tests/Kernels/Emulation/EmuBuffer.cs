using System.Runtime.InteropServices;

namespace RexNet.Tests.Kernels.Emulation;

/// <summary>
/// A float buffer in native memory standing in for device memory, with NaN guard zones on both sides.
/// A kernel that writes past either end changes a guard (<see cref="CheckGuards"/> reports it); one that
/// reads past an end picks up NaN, which poisons whatever output it feeds.
/// </summary>
internal sealed unsafe class EmuBuffer : IDisposable
{
    public const int GuardFloats = 1024;

    /// <summary>A signalling-NaN pattern no arithmetic produces, so a changed guard is a stray write.</summary>
    private const uint GuardBits = 0x7FA5A5A5;

    /// <summary>What outputs hold before a launch: a NaN, so an element the kernel never wrote fails the comparison.</summary>
    private const uint UnwrittenBits = 0x7FC0FFEE;

    private float* _block;

    public string Name { get; }
    public int Length { get; }

    private EmuBuffer(string name, int length)
    {
        Name = name;
        Length = length;
        _block = (float*)NativeMemory.AlignedAlloc((nuint)(length + 2 * GuardFloats) * sizeof(float), 256);
        new Span<uint>(_block, GuardFloats).Fill(GuardBits);
        new Span<uint>(_block + GuardFloats + length, GuardFloats).Fill(GuardBits);
    }

    /// <summary>A buffer holding a copy of <paramref name="values"/>.</summary>
    public static EmuBuffer From(string name, ReadOnlySpan<float> values)
    {
        var buffer = new EmuBuffer(name, values.Length);
        values.CopyTo(buffer.Span);
        return buffer;
    }

    /// <summary>A buffer of <paramref name="length"/> elements that all read as "never written".</summary>
    public static EmuBuffer Output(string name, int length)
    {
        var buffer = new EmuBuffer(name, length);
        MemoryMarshal.Cast<float, uint>(buffer.Span).Fill(UnwrittenBits);
        return buffer;
    }

    public IntPtr Pointer => (IntPtr)(Live + GuardFloats);

    public Span<float> Span => new(Live + GuardFloats, Length);

    public float[] ToArray() => Span.ToArray();

    /// <summary>The whole allocation, guard zones included: what a GPU launcher copies to the device and back.</summary>
    public Span<float> WithGuards => new(Live, Length + 2 * GuardFloats);

    /// <summary>Throws naming the buffer and the offset of the first guard element a kernel overwrote.</summary>
    public void CheckGuards(string kernel)
    {
        var before = new ReadOnlySpan<uint>(Live, GuardFloats);
        var after = new ReadOnlySpan<uint>(Live + GuardFloats + Length, GuardFloats);
        int last = before.LastIndexOfAnyExcept(GuardBits);
        if (last >= 0)
        {
            throw new KernelEmulationException($"{kernel} wrote before buffer '{Name}' (element {last - GuardFloats})");
        }
        int first = after.IndexOfAnyExcept(GuardBits);
        if (first >= 0)
        {
            throw new KernelEmulationException($"{kernel} wrote past buffer '{Name}' of {Length} elements (element {Length + first})");
        }
    }

    private float* Live => _block != null ? _block : throw new ObjectDisposedException(Name);

    public void Dispose()
    {
        NativeMemory.AlignedFree(_block);
        _block = null;
    }
}
