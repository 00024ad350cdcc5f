using RexNet.Imaging;
using SkiaSharp;

namespace RexNet.Tests.Imaging;

/// <summary>Small images generated in memory, and Skia's encoders to turn them into files.</summary>
internal static class TestImages
{
    /// <summary>Deterministic noise, which compresses badly enough that a cut file loses real image data.</summary>
    public static RgbImage Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    public static RgbImage Solid(int width, int height, byte r, byte g, byte b)
    {
        var pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (r, g, b);
        }
        return new RgbImage(width, height, pixels);
    }

    public static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality = 90)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = bitmap.GetPixelSpan();
        var rgb = image.Pixels.Span;
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}");
        return data.ToArray();
    }

    /// <summary>The RGB bytes of a decoded image, its fourth (unused) byte of each pixel left out.</summary>
    public static byte[] Rgb(DecodedImage image)
    {
        var rgbx = image.Pixels;
        var rgb = new byte[image.Width * image.Height * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgbx[i];
            rgb[j + 1] = rgbx[i + 1];
            rgb[j + 2] = rgbx[i + 2];
        }
        return rgb;
    }
}
