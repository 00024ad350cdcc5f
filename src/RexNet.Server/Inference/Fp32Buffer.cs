using System.Buffers;
using System.Runtime.InteropServices;

namespace RexNet.Server.Inference;

/// <summary>
/// A request's FP32 elements as the engine reads them: borrowed in place from raw little-endian bytes the request
/// already holds (binary REST body, gRPC raw_input_contents), or rented from a pool and filled when they have to be
/// converted (JSON, typed contents, decoded images). Dispose gives a rented array back; a borrowed one belongs to
/// the request, which must keep it alive for as long as this buffer is read.
/// </summary>
internal sealed class Fp32Buffer : IDisposable
{
    private readonly ArrayPool<float>? _pool;
    private float[]? _rented;

    private Fp32Buffer(ReadOnlyMemory<float> memory, ArrayPool<float>? pool, float[]? rented)
    {
        Memory = memory;
        _pool = pool;
        _rented = rented;
    }

    public ReadOnlyMemory<float> Memory { get; }

    /// <summary>Reads <paramref name="littleEndian"/> as floats without copying (the machines .NET runs this server on are little-endian).</summary>
    public static Fp32Buffer Borrow(ReadOnlyMemory<byte> littleEndian)
    {
        if (littleEndian.Length % sizeof(float) != 0)
        {
            throw new RexNetException(RexNetErrorCode.Internal, $"{littleEndian.Length} bytes are not a whole number of FP32 elements");
        }
        var memory = littleEndian.Length == 0 ? ReadOnlyMemory<float>.Empty : new BytesAsFloats(littleEndian).Memory;
        return new Fp32Buffer(memory, null, null);
    }

    /// <summary>Rents <paramref name="elements"/> floats and lets <paramref name="fill"/> write all of them; if it throws,
    /// the array goes back to the pool before the exception leaves.</summary>
    public static Fp32Buffer Rent<TState>(ArrayPool<float> pool, int elements, TState state, SpanAction<float, TState> fill)
    {
        float[] rented = pool.Rent(elements);
        try
        {
            fill(rented.AsSpan(0, elements), state);
        }
        catch
        {
            pool.Return(rented);
            throw;
        }
        return new Fp32Buffer(rented.AsMemory(0, elements), pool, rented);
    }

    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            _pool!.Return(rented);
        }
    }

    /// <summary>Byte memory seen as floats: the view <see cref="Memory"/> needs, since a Memory cannot be cast like a Span.</summary>
    private sealed class BytesAsFloats(ReadOnlyMemory<byte> bytes) : MemoryManager<float>
    {
        public override Span<float> GetSpan() => MemoryMarshal.Cast<byte, float>(MemoryMarshal.AsMemory(bytes).Span);

        public override MemoryHandle Pin(int elementIndex = 0) => bytes[(elementIndex * sizeof(float))..].Pin();

        public override void Unpin()
        {
            // The handle Pin returned unpins itself.
        }

        protected override void Dispose(bool disposing)
        {
            // Nothing is owned: the bytes belong to the request.
        }
    }
}
