namespace RexNet.Imaging;

/// <summary>
/// Bounds on what an untrusted image may cost before it is decoded. The defaults admit any real photograph
/// (a 50-megapixel camera frame) and refuse decompression bombs: a tiny file that claims huge dimensions.
/// </summary>
public sealed record ImageLimits
{
    /// <summary>Width x height above which an image is refused after reading its header, before decoding.</summary>
    public long MaxPixels { get; init; } = 50_000_000;

    /// <summary>The largest encoded file accepted (the whole file is read into memory once).</summary>
    public long MaxFileBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// The largest pixel buffer one image may need (4 bytes a pixel), checked before it is allocated: a second
    /// line of defence for callers who raise <see cref="MaxPixels"/>.
    /// </summary>
    public int AllocationLimitMegabytes { get; init; } = 1024;

    public static ImageLimits Default { get; } = new();
}
