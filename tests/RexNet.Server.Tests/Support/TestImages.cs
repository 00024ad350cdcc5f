using RexNet.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RexNet.Server.Tests.Support;

/// <summary>Encoded images made on the spot, and the tensors the eval transform makes of them.</summary>
internal static class TestImages
{
    public static byte[] Png(int width, int height, int seed)
    {
        var rng = new Random(seed);
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)rng.Next(256));
            }
        }
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    public static float[] Tensor(byte[] encoded) =>
        ImagePreprocessor.Preprocess(new MemoryStream(encoded), "test", PreprocessOptions.Default with { Size = TestModels.Size });
}
