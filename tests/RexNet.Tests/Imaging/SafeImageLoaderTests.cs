using System.Buffers.Binary;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Tests.Support;
using SkiaSharp;

namespace RexNet.Tests.Imaging;

/// <summary>Decoding strangers' files: what is refused, and that every limit holds before pixels are decoded.</summary>
public class SafeImageLoaderTests
{
    private static DecodedImage Load(byte[] data, SafeImageLoader? loader = null) =>
        (loader ?? SafeImageLoader.Default).Load(new MemoryStream(data), "test-image", ExifOrientation.Ignore);

    private static InvalidInputFileException Rejects(byte[] data, SafeImageLoader? loader = null)
    {
        var e = Assert.Throws<InvalidInputFileException>(() => Load(data, loader).Dispose());
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("test-image: ", e.Message);
        return e;
    }

    private static byte[] Fixture(string name) => File.ReadAllBytes(PilReference.File(name));

    [Fact]
    public void TheSharedTruncatedJpegIsRejectedWithAOneLineError()
    {
        string images = TestPaths.RequireSharedFolder(TestPaths.Images);
        string path = Path.Combine(images, "truncated.jpg");
        var e = Assert.Throws<InvalidInputFileException>(() => SafeImageLoader.Default.Load(path, ExifOrientation.Ignore).Dispose());
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>
    /// Every format cut in half is refused. The progressive JPEG is the case Skia alone gets wrong: cut after its
    /// first scan it decodes "successfully" to a blurred picture, which only the end-of-image check catches.
    /// </summary>
    [Theory]
    [InlineData("jpeg_progressive")]
    [InlineData("jpeg_420_odd")]
    [InlineData("jpeg_arithmetic")]
    [InlineData("png_rgb")]
    [InlineData("webp_lossy")]
    [InlineData("webp_lossless")]
    [InlineData("gif")]
    [InlineData("bmp_rgb")]
    public void AFileCutInHalfIsRejectedAsTruncated(string name)
    {
        byte[] whole = Fixture(name);
        using (Load(whole))
        {
        }
        Assert.Contains("truncated", Rejects(whole[..(whole.Length / 2)]).Message);
    }

    [Fact]
    public void ANoiseJpegCutInsideTheScanIsRejected()
    {
        byte[] jpeg = TestImages.Encode(TestImages.Noise(96, 64, 1), SKEncodedImageFormat.Jpeg);
        Assert.Contains("truncated", Rejects(jpeg[..(jpeg.Length * 2 / 3)]).Message);
    }

    /// <summary>Headers that claim billions of pixels, with the data of a small image behind them.</summary>
    [Theory]
    [InlineData("jpeg_420_odd", "60000x60000")]
    [InlineData("webp_lossy", "16383x16383")]
    [InlineData("gif", "65535x65535")]
    [InlineData("bmp_rgb", "60000x60000")]
    public void AHeaderClaimingHugeDimensionsIsRejectedBeforeDecoding(string name, string claimed)
    {
        byte[] data = Fixture(name);
        switch (Path.GetExtension(PilReference.File(name)))
        {
            case ".jpg":
                int sof = data.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
                // libjpeg itself refuses sides over 65500.
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 5), 60000);
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 7), 60000);
                break;
            case ".webp":
                int vp8 = data.AsSpan().IndexOf("VP8 "u8) + 8; // chunk data: 3-byte frame tag, 9D 01 2A, width, height
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(vp8 + 6), 16383);
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(vp8 + 8), 16383);
                break;
            case ".gif":
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(6), 65535);
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(8), 65535);
                break;
            default:
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(18), 60_000);
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(22), 60_000);
                break;
        }
        var e = Rejects(data);
        Assert.Contains(claimed, e.Message);
        Assert.Contains("exceeds the limit of 50000000 pixels", e.Message);
    }

    [Fact]
    public void APngHeaderClaimingHugeDimensionsIsRejectedBeforeDecoding()
    {
        // A valid PNG signature and IHDR claiming 100000 x 100000 RGB pixels, then an IDAT chunk of four bytes and
        // IEND: only the size check can produce the pixel-limit message.
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(0), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), 100_000);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        WriteChunk(png, "IHDR"u8, ihdr);
        WriteChunk(png, "IDAT"u8, [0x78, 0x9C, 0x03, 0x00]);
        WriteChunk(png, "IEND"u8, []);

        var e = Rejects(png.ToArray());
        Assert.Contains("100000x100000", e.Message);
        Assert.Contains("exceeds the limit of 50000000 pixels", e.Message);
    }

    [Fact]
    public void ThePixelLimitIsConfigurable()
    {
        byte[] png = TestImages.Encode(TestImages.Noise(40, 30, 3), SKEncodedImageFormat.Png);
        Assert.Contains("exceeds the limit of 1000 pixels", Rejects(png, new SafeImageLoader(new ImageLimits { MaxPixels = 1000 })).Message);
        using var ok = Load(png, new SafeImageLoader(new ImageLimits { MaxPixels = 1200 }));
        Assert.Equal((40, 30), (ok.Width, ok.Height));
    }

    [Fact]
    public void TheAllocationLimitBoundsThePixelBuffer()
    {
        // 600 x 600 needs 1 440 000 bytes at 4 a pixel: over a 1 MiB limit, under the default one.
        byte[] png = TestImages.Encode(TestImages.Solid(600, 600, 10, 20, 30), SKEncodedImageFormat.Png);
        var e = Rejects(png, new SafeImageLoader(new ImageLimits { AllocationLimitMegabytes = 1 }));
        Assert.Contains("1440000-byte pixel buffer, over the 1048576-byte limit", e.Message);
        using (Load(png))
        {
        }
    }

    [Fact]
    public void TheFileSizeLimitHoldsForFilesAndStreams()
    {
        using var dir = TestPaths.TempDir();
        byte[] png = TestImages.Encode(TestImages.Noise(40, 30, 4), SKEncodedImageFormat.Png);
        string path = dir.File("noise.png");
        File.WriteAllBytes(path, png);
        var strict = new SafeImageLoader(new ImageLimits { MaxFileBytes = png.Length - 1 });
        var e = Assert.Throws<InvalidInputFileException>(() => strict.Load(path, ExifOrientation.Ignore).Dispose());
        Assert.Contains($"file of {png.Length} bytes exceeds the {png.Length - 1}-byte limit", e.Message);
        Assert.Contains($"image data exceeds the {png.Length - 1}-byte limit", Rejects(png, strict).Message);
        using var exact = new SafeImageLoader(new ImageLimits { MaxFileBytes = png.Length }).Load(path, ExifOrientation.Ignore);
        Assert.Equal(40, exact.Width);
    }

    [Fact]
    public void OtherFormatsAreRefusedByTheirSignature()
    {
        const string refused = "not a JPEG, PNG, WebP, GIF or BMP image";
        Assert.Contains(refused, Rejects("just some text"u8.ToArray()).Message);
        Assert.Contains(refused, Rejects([]).Message);
        Assert.Contains(refused, Rejects([0, 0, 4, 4, 0xF0, 0xF0, 0xF0, 0xF0]).Message); // a 4x4 WBMP, which Skia would decode
        Assert.Contains(refused, Rejects([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0]).Message); // an ICO directory
        Assert.Contains(refused, Rejects([(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0]).Message); // TIFF
    }

    [Fact]
    public void ASignatureWithoutAValidHeaderBehindItIsNamedByFormat()
    {
        Assert.Contains("cannot read the PNG header", Rejects([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).Message);
        Assert.Contains("cannot read the WebP header", Rejects([.. "RIFF"u8, 4, 0, 0, 0, .. "WEBPVP8 "u8, 0, 0]).Message);
        Assert.Contains("cannot read the GIF header", Rejects([.. "GIF89a"u8, 1]).Message);
    }

    [Fact]
    public void DecodedBuffersComeBackCleanFromThePool()
    {
        // A bright image first, so that a reused buffer would show through a GIF frame smaller than its screen.
        using (Load(TestImages.Encode(TestImages.Solid(92, 70, 255, 255, 255), SKEncodedImageFormat.Png)))
        {
        }
        var (width, height, expected) = PilReference.Pixels("gif_small_frame_transparent");
        using var gif = Load(Fixture("gif_small_frame_transparent"));
        Assert.Equal((width, height), (gif.Width, gif.Height));
        Assert.Equal(expected, TestImages.Rgb(gif));
    }

    private static void WriteChunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> payload)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, payload.Length);
        png.Write(word);
        byte[] typed = [.. type, .. payload];
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, PngCrc(typed));
        png.Write(word);
    }

    /// <summary>The CRC-32 (polynomial 0xEDB88320) that PNG puts after each chunk.</summary>
    private static uint PngCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }
}
