using System.Buffers.Binary;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace RexNet.Tests.Imaging;

/// <summary>Decoding strangers' files: rejection of bad ones, conversion of every colour model to 8-bit RGB, EXIF orientation.</summary>
public class SafeImageLoaderTests
{
    private static Image<Rgb24> Load(byte[] data, SafeImageLoader? loader = null) =>
        (loader ?? SafeImageLoader.Default).Load(new MemoryStream(data), "test-image");

    private static InvalidInputFileException Rejects(byte[] data, SafeImageLoader? loader = null)
    {
        var e = Assert.Throws<InvalidInputFileException>(() => Load(data, loader).Dispose());
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void TheSharedTruncatedJpegIsRejectedWithAOneLineError()
    {
        string images = TestPaths.RequireSharedFolder(TestPaths.Images);
        string path = Path.Combine(images, "truncated.jpg");
        var e = Assert.Throws<InvalidInputFileException>(() => SafeImageLoader.Default.Load(path).Dispose());
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AJpegCutInsideTheScanIsRejected()
    {
        using var image = TestImages.Noise(96, 64, 1);
        byte[] jpeg = TestImages.Encode(image, new JpegEncoder { Quality = 90 });
        using (Load(jpeg))
        {
        }
        Assert.Contains("truncated", Rejects(jpeg[..(jpeg.Length * 2 / 3)]).Message);
    }

    [Fact]
    public void APngCutInsideTheDataIsRejected()
    {
        using var image = TestImages.Noise(96, 64, 2);
        byte[] png = TestImages.Encode(image, new PngEncoder());
        Assert.Contains("truncated", Rejects(png[..(png.Length * 2 / 3)]).Message);
    }

    [Fact]
    public void AHeaderClaimingHugeDimensionsIsRejectedBeforeDecoding()
    {
        // A valid PNG signature and IHDR claiming 100000 x 100000 RGB pixels, with no image data at all:
        // only the size check can produce the pixel-limit message.
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), 100_000);
        ihdr[12] = 8; // bit depth
        ihdr[13] = 2; // truecolour
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, 13);
        png.Write(length);
        png.Write(ihdr);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, PngCrc(ihdr));
        png.Write(crc);

        var e = Rejects(png.ToArray());
        Assert.Contains("100000x100000", e.Message);
        Assert.Contains("exceeds the limit of 50000000 pixels", e.Message);
    }

    [Fact]
    public void ThePixelLimitIsConfigurable()
    {
        using var image = TestImages.Noise(40, 30, 3);
        byte[] png = TestImages.Encode(image, new PngEncoder());
        var strict = new SafeImageLoader(new ImageLimits { MaxPixels = 1000 });
        Assert.Contains("exceeds the limit of 1000 pixels", Rejects(png, strict).Message);
        using var ok = Load(png, new SafeImageLoader(new ImageLimits { MaxPixels = 1200 }));
        Assert.Equal(40, ok.Width);
    }

    [Fact]
    public void FormatsOtherThanJpegAndPngAreNotDecoded()
    {
        using var image = TestImages.Noise(8, 8, 4);
        byte[] bmp = TestImages.Encode(image, new SixLabors.ImageSharp.Formats.Bmp.BmpEncoder());
        Assert.Contains("not a JPEG or PNG image", Rejects(bmp).Message);
        Assert.Contains("not a JPEG or PNG image", Rejects("just some text"u8.ToArray()).Message);
    }

    [Fact]
    public void GreyscaleBecomesEqualRgbChannels()
    {
        using var grey = TestImages.Solid(5, 4, new L8(77));
        using var decoded = Load(TestImages.Encode(grey, new PngEncoder { ColorType = PngColorType.Grayscale }));
        Assert.Equal(new Rgb24(77, 77, 77), decoded[2, 1]);
    }

    [Fact]
    public void SixteenBitSamplesAreScaledNotClipped()
    {
        // 65535 is white and 0x8080 is exactly 128/255 of it; clipping would make everything above 255 white.
        using var grey = new Image<L16>(3, 1);
        grey[0, 0] = new L16(65535);
        grey[1, 0] = new L16(0x8080);
        grey[2, 0] = new L16(257 * 100);
        byte[] png = TestImages.Encode(grey, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 });
        Assert.Equal(16, png[24]); // IHDR bit depth
        using var decoded = Load(png);
        Assert.Equal(new Rgb24(255, 255, 255), decoded[0, 0]);
        Assert.Equal(new Rgb24(128, 128, 128), decoded[1, 0]);
        Assert.Equal(new Rgb24(100, 100, 100), decoded[2, 0]);

        using var colour = TestImages.Solid(2, 2, new Rgb48(65535, 257 * 10, 0x8080));
        using var decodedColour = Load(TestImages.Encode(colour, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 }));
        Assert.Equal(new Rgb24(255, 10, 128), decodedColour[1, 1]);
    }

    [Fact]
    public void AlphaIsDroppedAsPilsConvertRgbDoes()
    {
        using var rgba = TestImages.Solid(3, 3, new Rgba32(10, 200, 30, 0));
        rgba[1, 1] = new Rgba32(250, 5, 60, 128);
        using var decoded = Load(TestImages.Encode(rgba, new PngEncoder { ColorType = PngColorType.RgbWithAlpha }));
        Assert.Equal(new Rgb24(10, 200, 30), decoded[0, 0]);
        Assert.Equal(new Rgb24(250, 5, 60), decoded[1, 1]);
    }

    [Fact]
    public void PaletteImagesKeepTheirColours()
    {
        using var image = TestImages.Solid(4, 2, new Rgb24(200, 30, 40));
        image[3, 1] = new Rgb24(0, 0, 255);
        byte[] png = TestImages.Encode(image, new PngEncoder { ColorType = PngColorType.Palette });
        Assert.Equal(3, png[25]); // IHDR colour type 3: the file really is palette-based
        using var decoded = Load(png);
        Assert.Equal(new Rgb24(200, 30, 40), decoded[0, 0]);
        Assert.Equal(new Rgb24(0, 0, 255), decoded[3, 1]);
    }

    [Fact]
    public void CmykJpegsBecomeRgb()
    {
        // Adobe CMYK stores 255 - ink; with no black ink, R = C', G = M', B = Y'.
        using var decoded = Load(CmykJpeg.Solid(220, 40, 30, 255));
        Assert.Equal((8, 8), (decoded.Width, decoded.Height));
        var p = decoded[4, 4];
        Assert.InRange(p.R, 218, 222);
        Assert.InRange(p.G, 38, 42);
        Assert.InRange(p.B, 28, 32);

        // Half black ink halves every channel.
        using var darker = Load(CmykJpeg.Solid(220, 40, 30, 128));
        Assert.InRange(darker[4, 4].R, 108, 112);
    }

    [Fact]
    public void ExifOrientationIsApplied()
    {
        // 16 wide, 8 high: left half red, right half blue. Orientation 6 means "rotate 90 degrees clockwise to
        // display", which turns the left half into the top half of an 8 x 16 image.
        using var image = TestImages.Solid(16, 8, new Rgb24(255, 0, 0));
        for (int y = 0; y < 8; y++)
        {
            for (int x = 8; x < 16; x++)
            {
                image[x, y] = new Rgb24(0, 0, 255);
            }
        }
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        using var decoded = Load(TestImages.Encode(image, new JpegEncoder { Quality = 100 }));

        Assert.Equal((8, 16), (decoded.Width, decoded.Height));
        Assert.True(decoded[4, 3].R > 200 && decoded[4, 3].B < 60, $"top should be red, got {decoded[4, 3]}");
        Assert.True(decoded[4, 12].B > 200 && decoded[4, 12].R < 60, $"bottom should be blue, got {decoded[4, 12]}");
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
