using RexNet.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace RexNet.Imaging;

/// <summary>
/// Decodes untrusted image files to upright 8-bit RGB. Only JPEG and PNG decoders are registered: together they
/// cover ImageNet (JPEG, a few of them CMYK) and the usual exports, and every further decoder would be more
/// parser surface for strangers' files. Dimensions are read from the header and checked against
/// <see cref="ImageLimits"/> before any pixel buffer is allocated.
/// </summary>
internal sealed class SafeImageLoader
{
    private readonly Configuration _configuration;

    public ImageLimits Limits { get; }

    public SafeImageLoader(ImageLimits? limits = null)
    {
        Limits = limits ?? ImageLimits.Default;
        _configuration = new Configuration(new JpegConfigurationModule(), new PngConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = Limits.AllocationLimitMegabytes,
            }),
        };
    }

    public static SafeImageLoader Default { get; } = new();

    public static SafeImageLoader For(ImageLimits? limits) => limits is null || limits == ImageLimits.Default ? Default : new SafeImageLoader(limits);

    public Image<Rgb24> Load(string path)
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
        return Load(stream, path);
    }

    /// <summary>Reads the whole stream (at most MaxFileBytes), then identifies, checks and decodes it.</summary>
    public Image<Rgb24> Load(Stream stream, string name)
    {
        byte[] data = ReadBounded(stream, name);
        using var memory = new MemoryStream(data, writable: false);
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(_configuration, memory, out format);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw new InvalidInputFileException(name, $"cannot read the image header (truncated or corrupt file): {OneLine(e.Message)}");
        }
        if (info is null || format is null)
        {
            throw new InvalidInputFileException(name, "not a JPEG or PNG image");
        }
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidInputFileException(name, $"invalid dimensions {info.Width}x{info.Height}");
        }
        if (pixels > Limits.MaxPixels)
        {
            throw new InvalidInputFileException(name,
                $"{info.Width}x{info.Height} image ({pixels} pixels) exceeds the limit of {Limits.MaxPixels} pixels");
        }
        if (ImageCompleteness.FindProblem(data, format.Name) is { } problem)
        {
            throw new InvalidInputFileException(name, problem);
        }
        memory.Position = 0;
        Image<Rgb24>? image = null;
        try
        {
            // Decoding straight to Rgb24 converts greyscale, palette and CMYK to RGB, drops alpha (as PIL's
            // convert('RGB') does) and scales 16-bit samples by 255/65535 with rounding.
            image = Image.Load<Rgb24>(_configuration, memory);
            image.Mutate(x => x.AutoOrient());
            return image;
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            image?.Dispose();
            throw new InvalidInputFileException(name, $"cannot decode the image (truncated or corrupt file): {OneLine(e.Message)}");
        }
    }

    private byte[] ReadBounded(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > Limits.MaxFileBytes)
            {
                throw new InvalidInputFileException(name, $"image data exceeds the {Limits.MaxFileBytes}-byte limit");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static bool IsDecodeFailure(Exception e) =>
        e is ImageFormatException or InvalidMemoryOperationException or NotSupportedException
            or IndexOutOfRangeException or ArgumentException or InvalidOperationException or EndOfStreamException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
