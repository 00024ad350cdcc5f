namespace RexNet.Imaging;

/// <summary>
/// Skia reports most cut-off files as incomplete, but not all: a progressive JPEG cut after its first scan
/// decodes "successfully" to a blurred image, where PIL raises. A cut-off download must never be classified
/// silently, so JPEGs must reach their end-of-image marker and PNGs their IEND chunk.
/// </summary>
internal static class ImageCompleteness
{
    /// <summary>Returns null when complete, else what is missing.</summary>
    public static string? FindProblem(ReadOnlySpan<byte> data, ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => JpegProblem(data),
        ImageFormat.Png => PngProblem(data),
        _ => null,
    };

    /// <summary>
    /// A JPEG must hold an EOI marker (FF D9) after its first start-of-scan. Before the scan, EOI bytes can occur
    /// inside an embedded EXIF thumbnail, so segments are skipped by their lengths; inside entropy-coded data an
    /// FF byte is always followed by 00 or a restart marker, so FF D9 there is the real end.
    /// </summary>
    private static string? JpegProblem(ReadOnlySpan<byte> data)
    {
        int pos = 2; // after SOI
        while (true)
        {
            if (pos + 4 > data.Length)
            {
                return "the file is truncated: it ends before the image data";
            }
            if (data[pos] != 0xFF)
            {
                return $"the file is corrupt: expected a marker at byte {pos}";
            }
            byte marker = data[pos + 1];
            if (marker == 0xFF)
            {
                pos++; // fill byte
                continue;
            }
            int length = (data[pos + 2] << 8) | data[pos + 3];
            if (marker == 0xDA)
            {
                int scanStart = Math.Min(data.Length, pos + 2 + length);
                return data[scanStart..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0
                    ? null
                    : "the file is truncated: the JPEG end-of-image marker is missing";
            }
            pos += 2 + length;
        }
    }

    /// <summary>A PNG must carry its IEND chunk after the image data.</summary>
    private static string? PngProblem(ReadOnlySpan<byte> data) =>
        data.IndexOf("IEND"u8) >= 0 ? null : "the file is truncated: the PNG IEND chunk is missing";
}
