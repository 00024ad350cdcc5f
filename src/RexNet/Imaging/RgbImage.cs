namespace RexNet.Imaging;

/// <summary>
/// Pixels the caller has already decoded: 8-bit RGB, interleaved (R, G, B per pixel), rows top to bottom with
/// no padding between them. The buffer is read, never copied or kept.
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

    internal PixelView View => new(Pixels.Span, Width, Height, 3);
}
