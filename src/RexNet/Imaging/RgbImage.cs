namespace RexNet.Imaging;

/// <summary>
/// Pixels the caller has already decoded: 8-bit RGB, interleaved (R, G, B per pixel), rows top to bottom with
/// no padding between them. The buffer is not kept: each use copies it into the RGBX layout the resampler works on.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, ReadOnlyMemory<byte> pixels)
    {
        if (width < 1 || height < 1)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"image dimensions must be positive, got {width}x{height}");
        }
        if (pixels.Length != (long)width * height * 3)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"a {width}x{height} RGB image holds {(long)width * height * 3} bytes, got {pixels.Length}");
        }
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public ReadOnlyMemory<byte> Pixels { get; }

    /// <summary>The pixels as RGBX in a pooled buffer, which the caller disposes.</summary>
    internal DecodedImage ToRgbx()
    {
        var image = new DecodedImage(Width, Height);
        var rgb = Pixels.Span;
        var rgbx = image.Pixels;
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += DecodedImage.BytesPerPixel)
        {
            rgbx[j] = rgb[i];
            rgbx[j + 1] = rgb[i + 1];
            rgbx[j + 2] = rgb[i + 2];
        }
        return image;
    }
}
