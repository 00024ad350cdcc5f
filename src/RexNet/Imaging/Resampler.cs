using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RexNet.Imaging;

/// <summary>
/// Separable resize of 8-bit RGBX followed by a crop, computing only the pixels inside the crop. The horizontal
/// pass runs first and its result is rounded to 8 bits before the vertical pass, so the output matches a full
/// two-pass resize and then a crop exactly. Both passes use PIL's integer arithmetic (32-bit accumulators,
/// <see cref="AxisWeights.PrecisionBits"/> fractional bits, round half up, clip to 0-255) on four lanes at a
/// time: the four bytes of a pixel in the horizontal pass, sixteen bytes of a row in the vertical one. The
/// fourth byte of each pixel rides along and is never read back.
/// </summary>
internal static class Resampler
{
    private const int BytesPerPixel = 4;
    private const int Half = 1 << (AxisWeights.PrecisionBits - 1);

    /// <summary>
    /// Resizes <paramref name="image"/> to (resizedWidth, resizedHeight) and returns the crop
    /// [left, left + cropWidth) x [top, top + cropHeight) as RGBX bytes.
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

        int rowBytes = cropWidth * BytesPerPixel;
        var rows = new byte[(lastRow - firstRow) * rowBytes];
        for (int y = firstRow; y < lastRow; y++)
        {
            HorizontalPass(image.Row(y), rows.AsSpan((y - firstRow) * rowBytes, rowBytes), horizontal);
        }

        var output = new byte[cropHeight * rowBytes];
        VerticalPass(rows, firstRow, rowBytes, output, vertical);
        return output;
    }

    private static void HorizontalPass(ReadOnlySpan<byte> source, Span<byte> destination, AxisWeights w)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(source);
        var output = MemoryMarshal.Cast<byte, uint>(destination);
        for (int o = 0; o < output.Length; o++)
        {
            var k = w.Weights.AsSpan(o * w.Stride, w.Count[o]);
            var taps = pixels.Slice(w.First[o], k.Length);
            var acc = Vector128.Create(Half);
            for (int t = 0; t < k.Length; t++)
            {
                acc += Widen(taps[t]) * k[t];
            }
            output[o] = Clip8(acc, acc, acc, acc).AsUInt32().ToScalar();
        }
    }

    private static void VerticalPass(byte[] rows, int firstRow, int rowBytes, Span<byte> destination, AxisWeights w)
    {
        int vectorBytes = rowBytes - rowBytes % Vector128<byte>.Count;
        for (int o = 0; o < w.First.Length; o++)
        {
            var k = w.Weights.AsSpan(o * w.Stride, w.Count[o]);
            var taps = rows.AsSpan((w.First[o] - firstRow) * rowBytes, k.Length * rowBytes);
            var outRow = destination.Slice(o * rowBytes, rowBytes);
            for (int x = 0; x < vectorBytes; x += Vector128<byte>.Count)
            {
                Vector128<int> a0 = Vector128.Create(Half), a1 = a0, a2 = a0, a3 = a0;
                for (int t = 0; t < k.Length; t++)
                {
                    var bytes = Vector128.Create<byte>(taps.Slice(t * rowBytes + x, Vector128<byte>.Count));
                    var (low, high) = Vector128.Widen(bytes);
                    var (l0, l1) = Vector128.Widen(low);
                    var (h0, h1) = Vector128.Widen(high);
                    a0 += l0.AsInt32() * k[t];
                    a1 += l1.AsInt32() * k[t];
                    a2 += h0.AsInt32() * k[t];
                    a3 += h1.AsInt32() * k[t];
                }
                Clip8(a0, a1, a2, a3).CopyTo(outRow[x..]);
            }
            for (int x = vectorBytes; x < rowBytes; x++)
            {
                int acc = Half;
                for (int t = 0; t < k.Length; t++)
                {
                    acc += taps[t * rowBytes + x] * k[t];
                }
                outRow[x] = (byte)Math.Clamp(acc >> AxisWeights.PrecisionBits, 0, 255);
            }
        }
    }

    private static Vector128<int> Widen(uint pixel)
    {
        var bytes = Vector128.CreateScalarUnsafe(pixel).AsByte();
        return Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32();
    }

    /// <summary>
    /// PIL's clip8 of sixteen accumulators: the integer part, clamped to 0-255. An arithmetic shift of a negative
    /// sum stays negative and one of 256 or more stays above 255, so shift-then-clamp is PIL's compare-then-shift.
    /// </summary>
    private static Vector128<byte> Clip8(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3)
    {
        var zero = Vector128<int>.Zero;
        var max = Vector128.Create(255);
        var c0 = Vector128.Min(Vector128.Max(a0 >> AxisWeights.PrecisionBits, zero), max);
        var c1 = Vector128.Min(Vector128.Max(a1 >> AxisWeights.PrecisionBits, zero), max);
        var c2 = Vector128.Min(Vector128.Max(a2 >> AxisWeights.PrecisionBits, zero), max);
        var c3 = Vector128.Min(Vector128.Max(a3 >> AxisWeights.PrecisionBits, zero), max);
        return Vector128.Narrow(Vector128.Narrow(c0, c1).AsUInt16(), Vector128.Narrow(c2, c3).AsUInt16());
    }
}
