namespace RexNet.Imaging;

/// <summary>
/// Separable resize of 8-bit RGB followed by a crop, computing only the pixels inside the crop. The horizontal
/// pass runs first and its result is rounded to 8 bits before the vertical pass, so the output matches a full
/// two-pass resize and then a crop exactly. Source pixels may be packed RGB or RGBX: only the first three
/// bytes of each are read.
/// </summary>
internal static class Resampler
{
    private const int Channels = 3;

    /// <summary>
    /// Resizes <paramref name="image"/> to (resizedWidth, resizedHeight) and writes the crop
    /// [left, left + cropWidth) x [top, top + cropHeight) as interleaved RGB bytes.
    /// </summary>
    public static byte[] ResizeAndCrop(PixelView image, int resizedWidth, int resizedHeight,
        int left, int top, int cropWidth, int cropHeight, ResampleFilter filter, bool antialias)
    {
        var horizontal = AxisWeights.Compute(image.Width, resizedWidth, left, cropWidth, filter, antialias);
        var vertical = AxisWeights.Compute(image.Height, resizedHeight, top, cropHeight, filter, antialias);

        int firstRow = vertical.First[0];
        int lastRow = firstRow;
        for (int i = 0; i < cropHeight; i++)
        {
            lastRow = Math.Max(lastRow, vertical.First[i] + vertical.Count[i]);
            firstRow = Math.Min(firstRow, vertical.First[i]);
        }

        int rowBytes = cropWidth * Channels;
        var rows = new byte[(lastRow - firstRow) * rowBytes];
        for (int y = firstRow; y < lastRow; y++)
        {
            HorizontalPass(image.Row(y), image.BytesPerPixel, rows.AsSpan((y - firstRow) * rowBytes, rowBytes), horizontal);
        }

        var output = new byte[cropHeight * rowBytes];
        VerticalPass(rows, firstRow, rowBytes, output, vertical);
        return output;
    }

    private static void HorizontalPass(ReadOnlySpan<byte> source, int bytesPerPixel, Span<byte> destination, AxisWeights w)
    {
        for (int o = 0; o < w.First.Length; o++)
        {
            var k = w.Weights.AsSpan(o * w.Stride, w.Count[o]);
            int start = w.First[o] * bytesPerPixel;
            int r = 1 << (AxisWeights.PrecisionBits - 1), g = r, b = r;
            for (int t = 0; t < k.Length; t++)
            {
                int s = start + t * bytesPerPixel;
                r += source[s] * k[t];
                g += source[s + 1] * k[t];
                b += source[s + 2] * k[t];
            }
            destination[o * Channels] = Clip8(r);
            destination[o * Channels + 1] = Clip8(g);
            destination[o * Channels + 2] = Clip8(b);
        }
    }

    private static void VerticalPass(byte[] rows, int firstRow, int rowBytes, Span<byte> destination, AxisWeights w)
    {
        for (int o = 0; o < w.First.Length; o++)
        {
            var k = w.Weights.AsSpan(o * w.Stride, w.Count[o]);
            int rowOffset = (w.First[o] - firstRow) * rowBytes;
            var outRow = destination.Slice(o * rowBytes, rowBytes);
            for (int x = 0; x < rowBytes; x++)
            {
                int acc = 1 << (AxisWeights.PrecisionBits - 1);
                for (int t = 0; t < k.Length; t++)
                {
                    acc += rows[rowOffset + t * rowBytes + x] * k[t];
                }
                outRow[x] = Clip8(acc);
            }
        }
    }

    private static byte Clip8(int value) =>
        value <= 0 ? (byte)0 : value >= (256 << AxisWeights.PrecisionBits) ? (byte)255 : (byte)(value >> AxisWeights.PrecisionBits);
}
