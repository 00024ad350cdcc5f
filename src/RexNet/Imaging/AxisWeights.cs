namespace RexNet.Imaging;

/// <summary>
/// Fixed-point resampling weights along one axis for a range of output positions. Output pixel o samples the
/// source around centre (o + 0.5) * in/out; when downscaling with antialiasing the kernel is stretched by the
/// scale factor so every source pixel contributes. Weights are normalised to sum to one in double precision
/// and then rounded away from zero to <see cref="PrecisionBits"/> fractional bits, which is how PIL
/// reproduces bit for bit across platforms.
/// </summary>
internal sealed class AxisWeights
{
    /// <summary>32 bits less 8 for the sample and 2 of headroom for kernels with negative lobes.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Index of the first source sample of each output position.</summary>
    public int[] First { get; }

    /// <summary>How many source samples each output position reads.</summary>
    public int[] Count { get; }

    /// <summary>Weights, <see cref="Stride"/> per output position.</summary>
    public int[] Weights { get; }

    public int Stride { get; }

    private AxisWeights(int[] first, int[] count, int[] weights, int stride)
    {
        First = first;
        Count = count;
        Weights = weights;
        Stride = stride;
    }

    /// <summary>Weights for output positions [outFirst, outFirst + outCount) of a resize from inSize to outSize.</summary>
    public static AxisWeights Compute(int inSize, int outSize, int outFirst, int outCount, ResampleFilter filter, bool antialias)
    {
        double scale = (double)inSize / outSize;
        double filterScale = antialias ? Math.Max(scale, 1.0) : 1.0;
        double support = filter.Support * filterScale;
        double inverse = 1.0 / filterScale;
        int stride = (int)Math.Ceiling(support) * 2 + 1;

        var first = new int[outCount];
        var count = new int[outCount];
        var weights = new int[outCount * stride];
        var raw = new double[stride];
        for (int i = 0; i < outCount; i++)
        {
            double center = (outFirst + i + 0.5) * scale;
            // Casts truncate toward zero, as the reference arithmetic does, before clamping to the image.
            int lo = Math.Max((int)(center - support + 0.5), 0);
            int n = Math.Min((int)(center + support + 0.5), inSize) - lo;
            double total = 0;
            for (int t = 0; t < n; t++)
            {
                raw[t] = filter.Weight((t + lo - center + 0.5) * inverse);
                total += raw[t];
            }
            for (int t = 0; t < n; t++)
            {
                double w = total != 0 ? raw[t] / total : raw[t];
                weights[i * stride + t] = w < 0
                    ? (int)(-0.5 + w * (1 << PrecisionBits))
                    : (int)(0.5 + w * (1 << PrecisionBits));
            }
            first[i] = lo;
            count[i] = n;
        }
        return new AxisWeights(first, count, weights, stride);
    }
}
