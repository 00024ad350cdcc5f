namespace RexNet.Imaging;

/// <summary>The formats we decode, recognised by their signatures before any decoder sees the bytes.</summary>
internal enum ImageFormat
{
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
}

internal static class ImageSignature
{
    public const string Accepted = "a JPEG, PNG, WebP, GIF or BMP image";

    /// <summary>
    /// The format whose signature <paramref name="data"/> starts with, or null. Sniffing here rather than letting
    /// Skia pick keeps its other codecs (ICO, WBMP, whose signature is two zero bytes, and any it adds later)
    /// away from strangers' files.
    /// </summary>
    public static ImageFormat? Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith([(byte)0xFF, (byte)0xD8, (byte)0xFF]))
        {
            return ImageFormat.Jpeg;
        }
        if (data.StartsWith([(byte)0x89, (byte)'P', (byte)'N', (byte)'G', (byte)0x0D, (byte)0x0A, (byte)0x1A, (byte)0x0A]))
        {
            return ImageFormat.Png;
        }
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.Webp;
        }
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }
        if (data.StartsWith("BM"u8))
        {
            return ImageFormat.Bmp;
        }
        return null;
    }

    public static string Name(ImageFormat format) => format == ImageFormat.Webp ? "WebP" : format.ToString().ToUpperInvariant();
}
