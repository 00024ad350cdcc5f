using System.Text.Json;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Tests.Support;

namespace RexNet.Tests.Imaging;

/// <summary>
/// The timm preset against timm's own eval transform (made by timm itself, not by our reference script) of every
/// decodable image in ../shared/images: the decoder is libjpeg-turbo as in PIL and the resampler is PIL's
/// fixed-point bicubic, so every image, the JPEG included, matches bit for bit.
/// </summary>
public class PreprocessParityTests
{
    public static TheoryData<string> DecodableImages => ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    [Theory]
    [MemberData(nameof(DecodableImages))]
    public void MatchesTimmEvalTransform(string name)
    {
        string images = TestPaths.RequireSharedFolder(TestPaths.Images);
        var (shape, expected) = NpyFile.ReadFloat32(Path.Combine(images, "timm_eval_224", Path.ChangeExtension(name, ".npy")));
        Assert.Equal([1, 3, 224, 224], shape);

        float[] actual = ImagePreprocessor.Preprocess(Path.Combine(images, name));

        BitExact.Equal(expected, actual, name);
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
