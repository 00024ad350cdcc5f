using System.Buffers.Binary;
using System.Text;

namespace RexNet.Tests.Support;

/// <summary>Builds .npy files byte by byte, so that tests can write the malformed ones NumPy never would.</summary>
internal static class NpyBytes
{
    public static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>A float32 header dict as NumPy writes it, e.g. Dict("(2, 3)").</summary>
    public static string Dict(string shape, string descr = "<f4", string fortranOrder = "False") =>
        $"{{'descr': '{descr}', 'fortran_order': {fortranOrder}, 'shape': {shape}, }}";

    /// <summary>Magic, version, header length (2 bytes for version 1, else 4), header, then <paramref name="dataBytes"/> bytes.</summary>
    public static byte[] Build(string header, int dataBytes, byte major = 1, uint? declaredHeaderLength = null)
    {
        byte[] text = Encoding.Latin1.GetBytes(header);
        int lengthBytes = major == 1 ? 2 : 4;
        var bytes = new byte[8 + lengthBytes + text.Length + dataBytes];
        Magic.CopyTo(bytes, 0);
        bytes[6] = major;
        uint length = declaredHeaderLength ?? (uint)text.Length;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), length);
        }
        text.CopyTo(bytes, 8 + lengthBytes);
        return bytes;
    }

    /// <summary>A float32 file holding <paramref name="values"/> after a well-formed header.</summary>
    public static byte[] Float32(string shape, float[] values, byte major = 1)
    {
        byte[] bytes = Build(Dict(shape) + "\n", values.Length * 4, major);
        int start = bytes.Length - values.Length * 4;
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(start + 4 * i), values[i]);
        }
        return bytes;
    }
}
