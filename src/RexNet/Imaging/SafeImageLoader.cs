using System.Buffers;
using RexNet.IO;

namespace RexNet.Imaging;

/// <summary>
/// Reads untrusted image files (JPEG, PNG, WebP, GIF, BMP; anything else is refused by its signature) within
/// <see cref="ImageLimits"/>: the file size is capped while it is read, and the dimensions are read from the
/// header and checked before any pixel buffer is allocated. Decoding is <see cref="SkiaDecoder"/>'s.
/// </summary>
internal sealed class SafeImageLoader(ImageLimits? limits = null)
{
    public ImageLimits Limits { get; } = limits ?? ImageLimits.Default;

    public static SafeImageLoader Default { get; } = new();

    public static SafeImageLoader For(ImageLimits? limits) => limits is null || limits == ImageLimits.Default ? Default : new SafeImageLoader(limits);

    public DecodedImage Load(string path, ExifOrientation exif)
    {
        FileInfo info = new(path);
        if (!info.Exists)
        {
            throw new InvalidInputFileException(path, "file not found", RexNetErrorCode.NotFound);
        }
        if (info.Length > Limits.MaxFileBytes)
        {
            throw new InvalidInputFileException(path, $"file of {info.Length} bytes exceeds the {Limits.MaxFileBytes}-byte limit");
        }
        using var stream = InputFile.OpenRead(path);
        return Load(stream, path, exif);
    }

    /// <summary>Reads the whole stream (at most MaxFileBytes) into a pooled buffer, then decodes it.</summary>
    public DecodedImage Load(Stream stream, string name, ExifOrientation exif)
    {
        long limit = Math.Min(Limits.MaxFileBytes, Array.MaxLength - 1);
        // A seekable stream says how much is coming, so one buffer (one byte over, to see the end) is enough.
        long expected = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(expected + 1, 1 << 16), limit + 1));
        try
        {
            int length = 0;
            int read;
            while ((read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    throw new InvalidInputFileException(name, $"image data exceeds the {limit}-byte limit");
                }
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1, 2L * buffer.Length));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
            return SkiaDecoder.Decode(buffer.AsSpan(0, length), name, Limits, exif);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
