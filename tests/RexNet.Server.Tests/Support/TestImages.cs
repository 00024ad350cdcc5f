using RexNet.Imaging;
using SkiaSharp;

namespace RexNet.Server.Tests.Support;

/// <summary>Encoded images made on the spot, and the tensors the eval transform makes of them.</summary>
internal static class TestImages
{
    public static byte[] Png(int width, int height, int seed)
    {
        var rng = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 4;
                rgba[i] = (byte)(x * 255 / width);
                rgba[i + 1] = (byte)(y * 255 / height);
                rgba[i + 2] = (byte)rng.Next(256);
                rgba[i + 3] = 255;
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException("Skia cannot encode PNG");
        return data.ToArray();
    }

    public static float[] Tensor(byte[] encoded) =>
        ImagePreprocessor.Preprocess(new MemoryStream(encoded), "test", PreprocessOptions.Default with { Size = TestModels.Size });
}
