using System.Buffers.Binary;
using System.Numerics;

namespace RexNet.Imaging;

/// <summary>
/// 16-bit BMPs store 5 or 6 bits a channel (R5G6B5 or X1R5G5B5). Skia widens a sample x of n bits to 8 by
/// repeating its top bits; PIL computes x * 255 / (2^n - 1) and truncates, which differs by one level for
/// about half the values. Skia's widening keeps x in the top n bits, so PIL's value is recovered exactly.
/// </summary>
internal static class BmpBitFields
{
    /// <summary>Per-channel lookup tables (R, G, B) that turn Skia's samples into PIL's, or null when none are needed.</summary>
    public static byte[][]? PilTables(ReadOnlySpan<byte> bmp)
    {
        if (bmp.Length < 14 + 16)
        {
            return null;
        }
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(bmp[14..]);
        if (headerSize < 40 || BinaryPrimitives.ReadUInt16LittleEndian(bmp[28..]) != 16)
        {
            return null; // OS/2 headers have no 16-bit form; other depths widen nothing
        }
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(bmp[30..]);
        uint red = 0x7C00, green = 0x03E0, blue = 0x001F; // BI_RGB: X1R5G5B5
        if (compression is 3 or 6) // BI_BITFIELDS, BI_ALPHABITFIELDS: masks follow the 40-byte header
        {
            if (bmp.Length < 14 + 40 + 12)
            {
                return null;
            }
            red = BinaryPrimitives.ReadUInt32LittleEndian(bmp[54..]);
            green = BinaryPrimitives.ReadUInt32LittleEndian(bmp[58..]);
            blue = BinaryPrimitives.ReadUInt32LittleEndian(bmp[62..]);
        }
        else if (compression != 0)
        {
            return null;
        }
        return [Table(red), Table(green), Table(blue)];
    }

    private static byte[] Table(uint mask)
    {
        int bits = Math.Min(8, BitOperations.PopCount(mask));
        var table = new byte[256];
        for (int v = 0; v < 256; v++)
        {
            table[v] = bits is 0 or 8 ? (byte)v : (byte)((v >> (8 - bits)) * 255 / ((1 << bits) - 1));
        }
        return table;
    }
}
