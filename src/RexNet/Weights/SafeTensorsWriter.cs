using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using RexNet.IO;

namespace RexNet.Weights;

/// <summary>Writes float32 tensors (and I64 scalars such as BatchNorm's counters) as a .safetensors file.</summary>
public static class SafeTensorsWriter
{
    /// <summary>Writes through <see cref="IO.OutputFile"/>: atomic, links followed, "-" is standard output. Bad
    /// tensors (a repeated name, a shape that disagrees with the data) are refused before anything is written.</summary>
    public static void Write(string path, IReadOnlyList<TensorData> tensors, IReadOnlyList<(string Name, long Value)>? int64Scalars = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] header = Header(tensors, int64Scalars, metadata);
        OutputFile.Write(path, s => WriteBody(s, header, tensors, int64Scalars));
    }

    /// <summary>Writes the file's bytes to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(Stream stream, IReadOnlyList<TensorData> tensors, IReadOnlyList<(string Name, long Value)>? int64Scalars = null,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        WriteBody(stream, Header(tensors, int64Scalars, metadata), tensors, int64Scalars);

    /// <summary>The 8-byte length and the JSON header, padded with spaces so that the data starts 8-byte aligned.</summary>
    private static byte[] Header(IReadOnlyList<TensorData> tensors, IReadOnlyList<(string Name, long Value)>? int64Scalars, IReadOnlyDictionary<string, string>? metadata)
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
        foreach (var (name, _) in int64Scalars ?? [])
        {
            Add(name, new { dtype = "I64", shape = Array.Empty<int>(), data_offsets = new[] { offset, offset + 8 } });
            offset += 8;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var result = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        json.CopyTo(result, 8);
        result.AsSpan(8 + json.Length).Fill((byte)' ');
        return result;
    }

    private static void WriteBody(Stream s, byte[] header, IReadOnlyList<TensorData> tensors, IReadOnlyList<(string Name, long Value)>? int64Scalars)
    {
        s.Write(header);
        foreach (var t in tensors)
        {
            s.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
        }
        Span<byte> scalar = stackalloc byte[8];
        foreach (var (_, value) in int64Scalars ?? [])
        {
            BinaryPrimitives.WriteInt64LittleEndian(scalar, value);
            s.Write(scalar);
        }
    }
}
