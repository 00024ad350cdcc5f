using System.Buffers.Binary;
using System.Text;

namespace RexNet.Tests.Support;

/// <summary>Builds .safetensors files byte by byte, so that tests can write the malformed ones no writer would.</summary>
internal static class SafeTensorsBytes
{
    public static byte[] Build(string headerJson, int dataBytes) =>
        Build(Encoding.UTF8.GetBytes(headerJson), new byte[dataBytes]);

    public static byte[] Build(string headerJson, ReadOnlySpan<byte> data) => Build(Encoding.UTF8.GetBytes(headerJson), data);

    /// <summary>Length prefix, header, data; <paramref name="declaredHeaderLength"/> lets the prefix lie.</summary>
    public static byte[] Build(byte[] header, ReadOnlySpan<byte> data, ulong? declaredHeaderLength = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes.AsSpan(8 + header.Length));
        return bytes;
    }

    /// <summary>One header entry as JSON, e.g. Entry("w", "F32", "[2]", 0, 8).</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\": {{\"dtype\": \"{dtype}\", \"shape\": {shape}, \"data_offsets\": [{begin}, {end}]}}";
}
