using System.Text.Json;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Tests.Support;

namespace RexNet.Tests.Imaging;

/// <summary>
/// The timm preset against timm's own eval transform of every decodable image in ../shared/images. The resampler
/// reproduces PIL's fixed-point bicubic exactly, so lossless images match bit for bit; JPEGs differ only by
/// decoder (ImageSharp's IDCT and chroma upsampling against libjpeg's), a level or two in a few pixels.
/// </summary>
public class PreprocessParityTests
{
    private const double LosslessMaxDiff = 1e-6;
    private const double JpegMeanDiff = 1e-3;
    private const double JpegMaxDiff = 0.05;

    public static TheoryData<string> DecodableImages => ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    [Theory]
    [MemberData(nameof(DecodableImages))]
    public void MatchesTimmEvalTransform(string name)
    {
        string images = TestPaths.RequireSharedFolder(TestPaths.Images);
        var (shape, expected) = NpyFile.ReadFloat32(Path.Combine(images, "timm_eval_224", Path.ChangeExtension(name, ".npy")));
        Assert.Equal([1, 3, 224, 224], shape);

        float[] actual = ImagePreprocessor.Preprocess(Path.Combine(images, name));

        double sum = 0, max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            sum += d;
            max = Math.Max(max, d);
        }
        double mean = sum / expected.Length;
        bool jpeg = name.EndsWith(".jpg", StringComparison.Ordinal);
        bool ok = jpeg ? mean <= JpegMeanDiff && max <= JpegMaxDiff : max <= LosslessMaxDiff;
        Assert.True(ok, $"{name}: mean |diff| {mean:E3}, max {max:E3}");
    }

    [Fact]
    public void IndexListsEveryImageTested()
    {
        string images = TestPaths.RequireSharedFolder(TestPaths.Images);
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(images, "timm_eval_224", "index.json")));
        var decodable = index.RootElement.EnumerateObject()
            .Where(p => p.Value.GetProperty("decodable").GetBoolean()).Select(p => p.Name).Order();
        Assert.Equal(DecodableImages.Select(r => (string)r.Data).Order(), decodable);
    }
}
