namespace RexNet.Cpu;

/// <summary>
/// The CPU engine's activation layout: channels last (NHWC) with the channel count padded to whole vectors,
/// element (n, y, x, c) at ((n*H + y)*W + x)*pitch + c, and the padding channels always zero. A 1x1 conv is
/// then a GEMM over pixels with no packing of activations, a depthwise conv is whole vectors of channels, and
/// no channel count falls off a fast path. These convert to and from the plan's NCHW.
/// </summary>
internal static class ChannelsLast
{
    public static void FromNchw(ReadOnlySpan<float> src, int n, int c, int h, int w, int pitch, Span<float> dst)
    {
        int hw = h * w;
        for (int b = 0; b < n; b++)
        {
            for (int p = 0; p < hw; p++)
            {
                Span<float> pixel = dst.Slice((b * hw + p) * pitch, pitch);
                for (int ch = 0; ch < c; ch++)
                {
                    pixel[ch] = src[(b * c + ch) * hw + p];
                }
                pixel[c..].Clear();
            }
        }
    }

    public static void ToNchw(ReadOnlySpan<float> src, int n, int c, int h, int w, int pitch, Span<float> dst)
    {
        int hw = h * w;
        for (int b = 0; b < n; b++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                Span<float> plane = dst.Slice((b * c + ch) * hw, hw);
                for (int p = 0; p < hw; p++)
                {
                    plane[p] = src[(b * hw + p) * pitch + ch];
                }
            }
        }
    }
}
