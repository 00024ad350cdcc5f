using System.Runtime.InteropServices;
using System.Text;

namespace RexNet.Tests.Kernels.Emulation;

/// <summary>
/// Kernel arguments packed as cuLaunchKernel's kernelParams: an array of pointers, each to one value.
/// The signature (one letter per argument: p pointer, i int, u unsigned, f float) lets the emulator
/// reject a call whose argument list does not match the kernel's parameters.
/// </summary>
internal sealed unsafe class KernelArgs : IDisposable
{
    private const int MaxArgs = 32;

    private readonly List<EmuBuffer> _buffers = [];
    private readonly StringBuilder _signature = new();
    private ulong* _values = (ulong*)NativeMemory.AllocZeroed(MaxArgs, sizeof(ulong));
    private void** _pointers = (void**)NativeMemory.AllocZeroed(MaxArgs, (nuint)sizeof(void*));

    public int Count => _signature.Length;
    public string Signature => _signature.ToString();
    public IReadOnlyList<EmuBuffer> Buffers => _buffers;
    internal void** Pointers => _pointers;

    public KernelArgs Buffer(EmuBuffer buffer)
    {
        _buffers.Add(buffer);
        return Add('p', (ulong)buffer.Pointer);
    }

    /// <summary>A pointer <paramref name="offsetFloats"/> elements into <paramref name="buffer"/> (a slot of an arena).</summary>
    public KernelArgs Buffer(EmuBuffer buffer, long offsetFloats)
    {
        if (offsetFloats < 0 || offsetFloats > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offsetFloats), $"offset {offsetFloats} is outside buffer '{buffer.Name}' of {buffer.Length}");
        }
        if (!_buffers.Contains(buffer))
        {
            _buffers.Add(buffer);
        }
        return Add('p', (ulong)buffer.Pointer + (ulong)offsetFloats * sizeof(float));
    }

    /// <summary>A null pointer: an optional input the kernel must not touch.</summary>
    public KernelArgs Null() => Add('p', 0);

    /// <summary>The raw 8-byte slot of argument <paramref name="index"/>: a host pointer or a scalar's bits.</summary>
    public ulong Value(int index) => _values[index];

    public KernelArgs Int(int value) => Add('i', (uint)value);

    public KernelArgs UInt(uint value) => Add('u', value);

    public KernelArgs Float(float value) => Add('f', BitConverter.SingleToUInt32Bits(value));

    /// <summary>Stores the value in the low bytes of its slot (little-endian), as the kernel reads it.</summary>
    private KernelArgs Add(char letter, ulong bits)
    {
        if (Count == MaxArgs)
        {
            throw new InvalidOperationException($"more than {MaxArgs} kernel arguments");
        }
        _values[Count] = bits;
        _pointers[Count] = _values + Count;
        _signature.Append(letter);
        return this;
    }

    public void Dispose()
    {
        NativeMemory.Free(_values);
        NativeMemory.Free(_pointers);
        _values = null;
        _pointers = null;
    }
}
