using System.Buffers;

namespace RexNet.Imaging;

/// <summary>
/// A decoded image as RGBX rows (4 bytes a pixel, the fourth unused). Buffers up to 16 megapixels are rented
/// from the shared pool: evaluation decodes image after image of the same few sizes, and fresh large arrays
/// would each cost a large-object-heap allocation and, sooner or later, a full collection. Larger ones are
/// allocated and dropped, so that one huge image does not leave its buffer parked in the pool.
/// </summary>
internal sealed class DecodedImage : IDisposable
{
    public const int BytesPerPixel = PixelView.BytesPerPixel;

    private const int PooledBytes = 64 << 20;

    private byte[]? _buffer;

    public DecodedImage(int width, int height)
    {
        Width = width;
        Height = height;
        int bytes = checked(width * height * BytesPerPixel);
        _buffer = bytes <= PooledBytes ? ArrayPool<byte>.Shared.Rent(bytes) : GC.AllocateUninitializedArray<byte>(bytes);
    }

    public int Width { get; }

    public int Height { get; }

    public int ByteCount => Width * Height * BytesPerPixel;

    public Span<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(DecodedImage))).AsSpan(0, ByteCount);

    public PixelView View => new(Pixels, Width, Height);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            if (buffer.Length <= PooledBytes)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
