using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace RexNet.Server.Inference;

/// <summary>Outputs in the protocol's raw form, shared by binary REST and gRPC's raw_output_contents.</summary>
internal static class RawTensors
{
    /// <summary>Little-endian FP32 logits, or the classification strings when there are any.</summary>
    public static byte[] Output(float[] logits, IReadOnlyList<string>? classes) =>
        classes is null ? MemoryMarshal.AsBytes(logits.AsSpan()).ToArray() : SerializeBytes(classes);

    /// <summary>BYTES elements, each a 4-byte little-endian length followed by its UTF-8 bytes.</summary>
    public static byte[] SerializeBytes(IReadOnlyList<string> elements)
    {
        int total = 0;
        foreach (string s in elements)
        {
            total += sizeof(uint) + Encoding.UTF8.GetByteCount(s);
        }
        var bytes = new byte[total];
        int offset = 0;
        foreach (string s in elements)
        {
            int length = Encoding.UTF8.GetBytes(s, bytes.AsSpan(offset + sizeof(uint)));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)length);
            offset += sizeof(uint) + length;
        }
        return bytes;
    }
}
