using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace RexNet.Server.Inference;

/// <summary>Outputs in the protocol's raw form, shared by binary REST and gRPC's raw_output_contents.</summary>
internal static class RawTensors
{
    /// <summary>Little-endian FP32 logits (the request's own array seen as bytes, not a copy), or the classification
    /// strings when there are any.</summary>
    public static ReadOnlyMemory<byte> Output(float[] logits, IReadOnlyList<string>? classes) =>
        classes is null ? new FloatsAsBytes(logits).Memory : SerializeBytes(classes);

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

    /// <summary>A float array seen as its bytes: the Memory a response write needs, since a Memory cannot be cast like a Span.</summary>
    private sealed class FloatsAsBytes(float[] floats) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(floats.AsSpan());

        public override unsafe MemoryHandle Pin(int elementIndex = 0)
        {
            var handle = GCHandle.Alloc(floats, GCHandleType.Pinned);
            return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle);
        }

        public override void Unpin()
        {
            // The handle Pin returned frees its GCHandle itself.
        }

        protected override void Dispose(bool disposing)
        {
            // Nothing is owned: the logits belong to the request's result.
        }
    }
}
