using System.Buffers;
using System.Buffers.Binary;

namespace RexNet.Server.Inference;

/// <summary>
/// Raw tensor bytes: the binary_tensor_data extension's body slices and gRPC's raw_input_contents. FP32 is
/// row-major little-endian; BYTES elements are each a 4-byte little-endian length followed by that many bytes.
/// </summary>
internal sealed class RawPayload(ReadOnlyMemory<byte> data) : ITensorPayload
{
    public void CheckFp32Count(string input, long elements)
    {
        if (data.Length != elements * sizeof(float))
        {
            throw InferenceException.BadRequest(
                $"input '{input}' has {data.Length} bytes of raw data; its shape needs {elements} FP32 elements ({elements * sizeof(float)} bytes)");
        }
    }

    /// <summary>The engine reads the request's bytes where they are: no copy, nothing rented.</summary>
    public Fp32Buffer ReadFp32(string input, int elements, ArrayPool<float> pool)
    {
        CheckFp32Count(input, elements);
        return Fp32Buffer.Borrow(data);
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> ReadBytes(string input, int count)
    {
        var elements = new List<ReadOnlyMemory<byte>>(count);
        int offset = 0;
        var span = data.Span;
        while (offset < span.Length)
        {
            if (elements.Count == count)
            {
                throw InferenceException.BadRequest($"input '{input}' has {span.Length - offset} bytes after its {count} BYTES elements");
            }
            if (span.Length - offset < sizeof(uint))
            {
                throw InferenceException.BadRequest($"input '{input}' element {elements.Count}: the 4-byte length prefix is cut off");
            }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);
            offset += sizeof(uint);
            if (length > (uint)(span.Length - offset))
            {
                throw InferenceException.BadRequest(
                    $"input '{input}' element {elements.Count}: length prefix {length} runs past the end of the data ({span.Length - offset} bytes left)");
            }
            elements.Add(data.Slice(offset, (int)length));
            offset += (int)length;
        }
        if (elements.Count != count)
        {
            throw InferenceException.BadRequest($"input '{input}' holds {elements.Count} BYTES elements; its shape declares {count}");
        }
        return elements;
    }
}
