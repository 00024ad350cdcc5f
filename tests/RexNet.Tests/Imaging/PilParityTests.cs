using RexNet.Imaging;

namespace RexNet.Tests.Imaging;

/// <summary>
/// Every case in PilReference/ (JPEG of every chroma subsampling, greyscale, progressive, arithmetic-coded, with
/// restart markers, CMYK, an ICC profile and all eight EXIF orientations; PNG palette, grey, 1-, 4- and 16-bit,
/// interlaced and with alpha; WebP lossy and lossless with and without alpha; GIF; BMP of every depth) decodes to
/// exactly PIL's pixels and preprocesses to exactly timm's tensor, and with EXIF orientation applied matches
/// PIL's exif_transpose: no tolerance anywhere.
/// </summary>
public class PilParityTests
{
    public static TheoryData<string> Cases => [.. PilReference.Cases];

    public static TheoryData<string> OrientedCases => [.. PilReference.Cases.Where(PilReference.HasOrientation)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecodesToPilsPixels(string name)
    {
        var (width, height, expected) = PilReference.Pixels(name);
        using var image = SafeImageLoader.Default.Load(PilReference.File(name), ExifOrientation.Ignore);
        AssertSamePixels(name, width, height, expected, image);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PreprocessesToTimmsTensorBitForBit(string name)
    {
        float[] expected = PilReference.TimmTensor(name);
        float[] actual = ImagePreprocessor.Preprocess(PilReference.File(name),
            new PreprocessOptions { Size = PilReference.Size, CropPct = PilReference.CropPct });
        BitExact.Equal(expected, actual, name);
    }

    [Theory]
    [MemberData(nameof(OrientedCases))]
    public void ApplyingExifOrientationMatchesExifTranspose(string name)
    {
        var (width, height, expected) = PilReference.Pixels(name, upright: true);
        using var image = SafeImageLoader.Default.Load(PilReference.File(name), ExifOrientation.Apply);
        AssertSamePixels(name, width, height, expected, image);
    }

    [Fact]
    public void EveryFileInTheFolderIsACaseAndEveryKindIsThere()
    {
        var listed = PilReference.Cases.Select(c => Path.GetFileName(PilReference.File(c))).ToHashSet();
        var images = Directory.GetFiles(PilReference.Folder)
            .Select(Path.GetFileName)
            .Where(f => Path.GetExtension(f) is ".jpg" or ".png" or ".webp" or ".gif" or ".bmp");
        Assert.DoesNotContain(images, f => !listed.Contains(f!));
        foreach (string prefix in new[] { "jpeg_420", "jpeg_422", "jpeg_440", "jpeg_411", "jpeg_444_icc", "jpeg_grey", "jpeg_progressive",
                     "jpeg_arithmetic", "jpeg_restart", "jpeg_cmyk", "jpeg_exif6", "png_palette", "png_grey", "png_grey16", "png_rgb16",
                     "png_rgba", "webp_lossy", "webp_lossless_alpha", "gif_transparent", "gif_animated", "bmp_rgb", "bmp_rgb565" })
        {
            Assert.Contains(PilReference.Cases, c => c.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    private static void AssertSamePixels(string name, int width, int height, byte[] expected, DecodedImage image)
    {
        Assert.Equal((width, height), (image.Width, image.Height));
        byte[] actual = TestImages.Rgb(image);
        int differing = 0, max = 0, first = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(actual[i] - expected[i]);
            if (d != 0)
            {
                differing++;
                max = Math.Max(max, d);
                first = first < 0 ? i : first;
            }
        }
        Assert.True(differing == 0,
            $"{name}: {differing} of {expected.Length} samples differ from PIL's, max {max} levels, first at pixel {first / 3} channel {first % 3}");
    }
}
