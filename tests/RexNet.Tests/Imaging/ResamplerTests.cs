using RexNet.Imaging;

namespace RexNet.Tests.Imaging;

/// <summary>
/// The vectorised resampler against a plain scalar one written here from PIL's arithmetic: a full two-pass resize
/// of the whole image, then the crop. Odd crop widths reach the vertical pass's scalar tail; one-pixel crops and
/// upscaling reach the edges of the weight tables.
/// </summary>
public class ResamplerTests
{
    [Theory]
    [InlineData(97, 61, 53, 36, 5, 3, 37, 29, true)]
    [InlineData(40, 30, 81, 60, 20, 10, 41, 47, true)]
    [InlineData(64, 64, 64, 64, 0, 0, 64, 64, true)]
    [InlineData(123, 77, 70, 44, 13, 9, 1, 1, true)]
    [InlineData(97, 61, 53, 36, 5, 3, 37, 29, false)]
    [InlineData(33, 90, 70, 190, 2, 40, 66, 19, false)]
    public void MatchesAScalarFullResizeThenCrop(int width, int height, int resizedWidth, int resizedHeight,
        int left, int top, int cropWidth, int cropHeight, bool bicubic)
    {
        var rng = new Random(width * 1000 + height);
        var rgbx = new byte[width * height * 4];
        rng.NextBytes(rgbx);
        var filter = bicubic ? ResampleFilter.Bicubic : ResampleFilter.Bilinear;

        byte[] actual = Resampler.ResizeAndCrop(new PixelView(rgbx, width, height), resizedWidth, resizedHeight,
            left, top, cropWidth, cropHeight, filter, antialias: bicubic);

        var h = AxisWeights.Compute(width, resizedWidth, 0, resizedWidth, filter, bicubic);
        var v = AxisWeights.Compute(height, resizedHeight, 0, resizedHeight, filter, bicubic);
        var wide = new byte[height, resizedWidth, 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < resizedWidth; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    long acc = 1 << (AxisWeights.PrecisionBits - 1);
                    for (int t = 0; t < h.Count[x]; t++)
                    {
                        acc += rgbx[(y * width + h.First[x] + t) * 4 + c] * (long)h.Weights[x * h.Stride + t];
                    }
                    wide[y, x, c] = Clip(acc);
                }
            }
        }
        for (int y = 0; y < cropHeight; y++)
        {
            int oy = top + y;
            for (int x = 0; x < cropWidth; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    long acc = 1 << (AxisWeights.PrecisionBits - 1);
                    for (int t = 0; t < v.Count[oy]; t++)
                    {
                        acc += wide[v.First[oy] + t, left + x, c] * (long)v.Weights[oy * v.Stride + t];
                    }
                    Assert.True(Clip(acc) == actual[(y * cropWidth + x) * 4 + c], $"pixel ({x}, {y}) channel {c}");
                }
            }
        }
    }

    private static byte Clip(long acc) => (byte)Math.Clamp(acc >> AxisWeights.PrecisionBits, 0, 255);
}
