using System.Buffers.Binary;

namespace RexNet.Imaging;

/// <summary>
/// The EXIF orientation of a PNG. Skia reads orientation from JPEG and WebP but not from PNG's eXIf chunk,
/// which PIL's exif_transpose honours; the chunk holds a TIFF structure (sometimes after an "Exif\0\0" prefix)
/// whose first directory may carry tag 0x0112.
/// </summary>
internal static class PngExif
{
    /// <summary>The orientation (1-8) in the PNG's eXIf chunk, or 1 when there is none or it cannot be read.</summary>
    public static int Orientation(ReadOnlySpan<byte> png)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            var type = png.Slice(pos + 4, 4);
            if (length > png.Length - pos - 12)
            {
                return 1;
            }
            if (type.SequenceEqual("eXIf"u8))
            {
                return TiffOrientation(png.Slice(pos + 8, (int)length));
            }
            if (type.SequenceEqual("IEND"u8))
            {
                return 1;
            }
            pos += 12 + (int)length;
        }
        return 1;
    }

    private static int TiffOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.StartsWith("Exif\0\0"u8))
        {
            tiff = tiff[6..];
        }
        if (tiff.Length < 8)
        {
            return 1;
        }
        bool little = tiff.StartsWith("II"u8);
        if (!little && !tiff.StartsWith("MM"u8))
        {
            return 1;
        }
        long directory = U32(tiff, 4, little);
        if (directory > tiff.Length - 2)
        {
            return 1;
        }
        int entries = U16(tiff, (int)directory, little);
        for (int i = 0; i < entries; i++)
        {
            int entry = (int)directory + 2 + 12 * i;
            if (entry + 12 > tiff.Length)
            {
                return 1;
            }
            if (U16(tiff, entry, little) == 0x0112)
            {
                // SHORT (type 3) as the standard says, LONG (4) as some writers do; the value sits in the entry.
                long value = U16(tiff, entry + 2, little) switch { 3 => U16(tiff, entry + 8, little), 4 => U32(tiff, entry + 8, little), _ => 1 };
                return value is >= 1 and <= 8 ? (int)value : 1;
            }
        }
        return 1;
    }

    private static int U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static long U32(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
}
