using RexNet.IO;
using SkiaSharp;

namespace RexNet.Imaging;

/// <summary>
/// Decodes an encoded image to RGBX exactly as PIL's Image.open(f).convert('RGB') does, through Skia's codecs
/// (libjpeg-turbo, libpng, libwebp, Wuffs for GIF, its own BMP reader). Three choices make it exact:
/// <list type="bullet">
/// <item>The destination has no colour space, so embedded ICC profiles and PNG gamma are ignored, as PIL
/// ignores them (asking for sRGB would convert colours and move pixels by up to 55 levels).</item>
/// <item>Opaque sources are decoded as opaque; sources with alpha as unpremultiplied, so colour is never scaled
/// by alpha and the alpha byte can simply be dropped. Grey, palette, CMYK (Adobe-inverted, as PIL reads it) and
/// 16-bit samples (the high byte, as PIL takes for 16-bit colour) all arrive as 8-bit RGB.</item>
/// <item>Two formats are corrected afterwards: GIF pixels Skia leaves transparent get the palette colour PIL
/// shows (<see cref="GifFill"/>), and 16-bit BMP samples are widened as PIL widens them
/// (<see cref="BmpBitFields"/>).</item>
/// </list>
/// One deviation is deliberate: PIL clips 16-bit greyscale to white (its mode I holds the raw 0-65535 values
/// and convert('RGB') saturates them at 255); we take the high byte as for colour, which shows the image.
/// </summary>
internal static class SkiaDecoder
{
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> data, string name, ImageLimits limits, ExifOrientation exif)
    {
        var format = ImageSignature.Detect(data)
            ?? throw new InvalidInputFileException(name, $"not {ImageSignature.Accepted}");
        fixed (byte* bytes = data)
        {
            // Wraps the caller's bytes without copying; they stay pinned until the codec is gone.
            using var encoded = SKData.Create((IntPtr)bytes, data.Length, null);
            using var codec = SKCodec.Create(encoded);
            if (codec is null || codec.EncodedFormat != SkiaFormat(format))
            {
                throw new InvalidInputFileException(name, $"cannot read the {ImageSignature.Name(format)} header (truncated or corrupt file)");
            }
            var info = codec.Info;
            CheckSize(name, info.Width, info.Height, limits);
            if (ImageCompleteness.FindProblem(data, format) is { } problem)
            {
                throw new InvalidInputFileException(name, problem);
            }

            var image = new DecodedImage(info.Width, info.Height);
            try
            {
                bool opaque = info.AlphaType == SKAlphaType.Opaque;
                var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
                // Every other decoder writes every pixel; a GIF frame may cover only part of the screen, and the
                // pooled buffer must not show through around it.
                var options = SKCodecOptions.Default;
                if (format == ImageFormat.Gif)
                {
                    image.Pixels.Clear();
                    options = new SKCodecOptions(SKZeroInitialized.Yes);
                }
                SKCodecResult result;
                fixed (byte* pixels = image.Pixels)
                {
                    result = codec.GetPixels(target, (IntPtr)pixels, info.Width * DecodedImage.BytesPerPixel, options);
                }
                if (result != SKCodecResult.Success)
                {
                    throw new InvalidInputFileException(name, result == SKCodecResult.IncompleteInput
                        ? "the file is truncated: the image data ends early"
                        : $"cannot decode the image (corrupt file): Skia reports {result}");
                }
                if (format == ImageFormat.Gif && !opaque && GifFill.Colour(data) is { } fill)
                {
                    FillTransparent(image.Pixels, fill);
                }
                if (format == ImageFormat.Bmp && BmpBitFields.PilTables(data) is { } tables)
                {
                    Remap(image.Pixels, tables);
                }
                var upright = exif == ExifOrientation.Apply ? Orientation.Apply(image, OrientationOf(format, codec, data)) : image;
                if (!ReferenceEquals(upright, image))
                {
                    image.Dispose();
                }
                return upright;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// The pixel cap, read from the header, comes before any pixel buffer exists; the allocation cap bounds the
    /// one buffer we allocate (4 bytes a pixel) when callers raise the pixel cap.
    /// </summary>
    private static void CheckSize(string name, int width, int height, ImageLimits limits)
    {
        if (width <= 0 || height <= 0)
        {
            throw new InvalidInputFileException(name, $"invalid dimensions {width}x{height}");
        }
        long pixels = (long)width * height;
        if (pixels > limits.MaxPixels)
        {
            throw new InvalidInputFileException(name, $"{width}x{height} image ({pixels} pixels) exceeds the limit of {limits.MaxPixels} pixels");
        }
        long bytes = pixels * DecodedImage.BytesPerPixel;
        if (bytes > (long)limits.AllocationLimitMegabytes * 1024 * 1024 || bytes > Array.MaxLength)
        {
            throw new InvalidInputFileException(name,
                $"{width}x{height} image needs a {bytes}-byte pixel buffer, over the {Math.Min((long)limits.AllocationLimitMegabytes * 1024 * 1024, Array.MaxLength)}-byte limit");
        }
    }

    /// <summary>The EXIF orientation (1-8) PIL's exif_transpose would read: Skia's for JPEG and WebP, ours for PNG.</summary>
    private static int OrientationOf(ImageFormat format, SKCodec codec, ReadOnlySpan<byte> data) =>
        format == ImageFormat.Png ? PngExif.Orientation(data) : (int)codec.EncodedOrigin;

    private static SKEncodedImageFormat SkiaFormat(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => SKEncodedImageFormat.Jpeg,
        ImageFormat.Png => SKEncodedImageFormat.Png,
        ImageFormat.Webp => SKEncodedImageFormat.Webp,
        ImageFormat.Gif => SKEncodedImageFormat.Gif,
        _ => SKEncodedImageFormat.Bmp,
    };

    private static void FillTransparent(Span<byte> rgbx, (byte R, byte G, byte B) fill)
    {
        for (int i = 0; i < rgbx.Length; i += DecodedImage.BytesPerPixel)
        {
            if (rgbx[i + 3] == 0)
            {
                rgbx[i] = fill.R;
                rgbx[i + 1] = fill.G;
                rgbx[i + 2] = fill.B;
            }
        }
    }

    private static void Remap(Span<byte> rgbx, byte[][] tables)
    {
        for (int i = 0; i < rgbx.Length; i += DecodedImage.BytesPerPixel)
        {
            rgbx[i] = tables[0][rgbx[i]];
            rgbx[i + 1] = tables[1][rgbx[i + 1]];
            rgbx[i + 2] = tables[2][rgbx[i + 2]];
        }
    }
}
