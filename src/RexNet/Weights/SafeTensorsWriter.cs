using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RexNet.IO;

namespace RexNet.Weights;

/// <summary>Writes float32 tensors (and I64 scalar counters) as a .safetensors file, atomically.</summary>
public static class SafeTensorsWriter
{
    public static void Write(string path, IReadOnlyList<TensorData> tensors, IReadOnlyList<string>? int64Scalars = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = metadata;
        }
        // A repeated name or a shape that disagrees with the data would write a file our own reader rejects.
        void Add(string name, object entry)
        {
            if (!header.TryAdd(name, entry))
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument, $"tensor name '{name}' is used twice (or is the reserved __metadata__)");
            }
        }
        long offset = 0;
        foreach (var t in tensors)
        {
            if (TensorData.ElementCount(t.Shape) != t.Data.Length)
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument, $"tensor '{t.Name}' has shape {TensorData.FormatShape(t.Shape)} but {t.Data.Length} values");
            }
            long bytes = (long)t.Data.Length * sizeof(float);
            Add(t.Name, new { dtype = "F32", shape = t.Shape, data_offsets = new[] { offset, offset + bytes } });
            offset += bytes;
        }
        foreach (var name in int64Scalars ?? [])
        {
            Add(name, new { dtype = "I64", shape = Array.Empty<int>(), data_offsets = new[] { offset, offset + 8 } });
            offset += 8;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        // The data section starts 8-byte aligned; the format pads the header with spaces.
        int padded = (json.Length + 7) / 8 * 8;
        var headerBytes = new byte[padded];
        json.CopyTo(headerBytes, 0);
        headerBytes.AsSpan(json.Length).Fill((byte)' ');

        AtomicFile.Write(path, s =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            s.Write(len);
            s.Write(headerBytes);
            foreach (var t in tensors)
            {
                s.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
            }
            Span<byte> zero = stackalloc byte[8];
            zero.Clear();
            foreach (var _ in int64Scalars ?? [])
            {
                s.Write(zero);
            }
        });
    }
}
