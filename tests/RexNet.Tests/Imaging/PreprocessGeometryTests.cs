using RexNet.Imaging;

namespace RexNet.Tests.Imaging;

/// <summary>Resize and crop arithmetic of both presets, and the normalisation, on cases worked out by hand.</summary>
public class PreprocessGeometryTests
{
    [Fact]
    public void TimmTruncatesTheLongSideAndRoundsTheCropOffsetHalfToEven()
    {
        // 451x300: short side 300 -> 256, long side int(256 * 451 / 300) = int(384.85) = 384; crop offsets (384-224)/2 = 80, (256-224)/2 = 16.
        Assert.Equal(new ImagePreprocessor.ResizeGeometry(384, 256, 80, 16), ImagePreprocessor.Geometry(451, 300, PreprocessOptions.Default));
        // 300x451 is the transpose.
        Assert.Equal(new ImagePreprocessor.ResizeGeometry(256, 384, 16, 80), ImagePreprocessor.Geometry(300, 451, PreprocessOptions.Default));
        // 341x256 stays 341 wide; (341-224)/2 = 58.5 rounds to the even 58.
        Assert.Equal(new ImagePreprocessor.ResizeGeometry(341, 256, 58, 16), ImagePreprocessor.Geometry(341, 256, PreprocessOptions.Default));
    }

    [Fact]
    public void ANonSquareCropResizesToCoverItKeepingTheAspectRatioAsTimmsResizeKeepRatio()
    {
        // 160x224 at crop 0.875: scale size 182x256. A 400x300 image: ratios 300/182 = 1.648 and 400/256 = 1.5625, the
        // smaller wins: round(400 / 1.5625) = 256 wide, round(300 / 1.5625) = 192 high; crop offsets (256-224)/2 = 16, (192-160)/2 = 16.
        var options = new PreprocessOptions { Height = 160, Width = 224 };
        Assert.Equal((182, 256), (options.ScaleHeight, options.ScaleWidth));
        Assert.Equal(new ImagePreprocessor.ResizeGeometry(256, 192, 16, 16), ImagePreprocessor.Geometry(400, 300, options));
        // A tall image: ratios 900/182 = 4.945 and 300/256 = 1.172: 256 wide, round(900 / 1.171875) = 768 high, offset (768-160)/2 = 304.
        Assert.Equal(new ImagePreprocessor.ResizeGeometry(256, 768, 16, 304), ImagePreprocessor.Geometry(300, 900, options));
        Assert.Equal(3 * 160 * 224, options.TensorElements);
        Assert.Throws<RexNetException>(() => (options with { Preset = PreprocessPreset.Paddle }).Validate());
    }

    [Fact]
    public void PaddleRoundsBothSidesAndFloorsTheCropOffset()
    {
        var paddle = PreprocessOptions.Default with { Preset = PreprocessPreset.Paddle };
        // round(451 * 256 / 300) = round(384.85) = 385; (385-224)//2 = 80.
        Assert.Equal(new ImagePreprocessor.ResizeGeometry(385, 256, 80, 16), ImagePreprocessor.Geometry(451, 300, paddle));
    }

    [Fact]
    public void SizeAndCropPctOverrideThePreset()
    {
        var options = new PreprocessOptions { Size = 160, CropPct = 0.8 };
        Assert.Equal(200, options.ResizeShortSide);
        Assert.Equal(256, PreprocessOptions.Default.ResizeShortSide);
        Assert.Equal(224, new PreprocessOptions { Size = 224, CropPct = 1.0 }.ResizeShortSide);
        Assert.Throws<RexNetException>(() => new PreprocessOptions { CropPct = 1.5 }.Validate());
    }

    [Theory]
    [InlineData(PreprocessPreset.Timm)]
    [InlineData(PreprocessPreset.Paddle)]
    public void AConstantImageNormalisesToTheExpectedConstants(PreprocessPreset preset)
    {
        var image = TestImages.Solid(300, 200, 100, 150, 200);
        var options = new PreprocessOptions { Preset = preset, Size = 64 };
        var tensor = ImagePreprocessor.Preprocess(image, options);

        byte[] rgb = [100, 150, 200];
        for (int c = 0; c < 3; c++)
        {
            float expected = (rgb[c] / 255f - ImagePreprocessor.Mean[c]) / ImagePreprocessor.Std[c];
            var plane = tensor.AsSpan(c * 64 * 64, 64 * 64);
            foreach (float v in plane)
            {
                Assert.Equal(expected, v, 1e-6f);
            }
        }
    }

    [Fact]
    public void PresetsDifferOnRealDetail()
    {
        var image = TestImages.Noise(120, 90, 9);
        var timm = ImagePreprocessor.Preprocess(image, new PreprocessOptions { Size = 32 });
        var paddle = ImagePreprocessor.Preprocess(image, new PreprocessOptions { Size = 32, Preset = PreprocessPreset.Paddle });
        // Antialiased bicubic averages noise away; point-sampled bilinear keeps much more of it.
        Assert.True(Variance(paddle) > 1.5 * Variance(timm), $"paddle variance {Variance(paddle)}, timm {Variance(timm)}");
    }

    private static double Variance(float[] v)
    {
        double mean = v.Average(x => (double)x);
        return v.Average(x => (x - mean) * (x - mean));
    }
}
