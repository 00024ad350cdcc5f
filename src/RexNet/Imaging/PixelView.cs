namespace RexNet.Imaging;

/// <summary>
/// Decoded pixels as RGBX rows, 4 bytes a pixel with R, G, B first. The fourth byte is never read, which is how
/// alpha is dropped as PIL's convert('RGB') drops it.
/// </summary>
internal readonly ref struct PixelView
{
    public const int BytesPerPixel = 4;

    public PixelView(ReadOnlySpan<byte> data, int width, int height)
    {
        if (data.Length < (long)width * height * BytesPerPixel)
        {
            throw new ArgumentException($"{data.Length} bytes cannot hold {width}x{height} RGBX pixels", nameof(data));
        }
        Data = data;
        Width = width;
        Height = height;
    }

    public ReadOnlySpan<byte> Data { get; }

    public int Width { get; }

    public int Height { get; }

    public ReadOnlySpan<byte> Row(int y) => Data.Slice(y * Width * BytesPerPixel, Width * BytesPerPixel);
}
