namespace RexNet.Imaging;

/// <summary>
/// Interleaved 8-bit pixels whose first three bytes are R, G, B: packed RGB (3 bytes a pixel) from callers, or
/// RGBX (4) straight from the decoder, whose fourth byte is ignored so that alpha is dropped as PIL's
/// convert('RGB') drops it.
/// </summary>
internal readonly ref struct PixelView
{
    public PixelView(ReadOnlySpan<byte> data, int width, int height, int bytesPerPixel)
    {
        if (data.Length < (long)width * height * bytesPerPixel)
        {
            throw new ArgumentException($"{data.Length} bytes cannot hold {width}x{height} pixels of {bytesPerPixel} bytes", nameof(data));
        }
        Data = data;
        Width = width;
        Height = height;
        BytesPerPixel = bytesPerPixel;
    }

    public ReadOnlySpan<byte> Data { get; }

    public int Width { get; }

    public int Height { get; }

    public int BytesPerPixel { get; }

    public ReadOnlySpan<byte> Row(int y) => Data.Slice(y * Width * BytesPerPixel, Width * BytesPerPixel);
}
