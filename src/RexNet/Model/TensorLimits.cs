namespace RexNet.Model;

/// <summary>
/// Tensor sizes are 32-bit: <see cref="TensorShape.Count"/> is an int, and so are the CPU's and the kernels'
/// offsets. An engine whose largest tensor would not fit is refused before anything is allocated.
/// </summary>
internal static class TensorLimits
{
    public const long MaxElements = int.MaxValue;

    public static void Check(ModelSpec spec, int maxBatch, int height, int width)
    {
        var (name, perImage) = LargestPerImage(spec, height, width);
        if (perImage * maxBatch <= MaxElements)
        {
            return;
        }
        long fits = MaxElements / perImage;
        string advice = fits >= 1
            ? $"at {height}x{width} MaxBatch can be at most {fits}"
            : $"{height}x{width} is too large even for one image";
        throw new RexNetException(RexNetErrorCode.InvalidArgument,
            $"MaxBatch {maxBatch} at {height}x{width} makes {spec.Name}'s tensor '{name}' hold {perImage * maxBatch} elements, " +
            $"more than the limit of {MaxElements} (32-bit indexing); {advice}");
    }

    /// <summary>The plan's largest tensor for one image, in 64-bit arithmetic (the walk of <see cref="Plan.Build"/>).</summary>
    public static (string Name, long Elements) LargestPerImage(ModelSpec spec, int height, int width)
    {
        (string Name, long Elements) largest = ("input", (long)ModelSpec.InputChannels * height * width);
        void Consider(string name, int channels, long h, long w)
        {
            if (channels * h * w > largest.Elements)
            {
                largest = (name, channels * h * w);
            }
        }
        static long Out(long size, int stride) => (size - 1) / stride + 1;

        long hh = Out(height, 2), ww = Out(width, 2);
        Consider("stem", spec.StemChannels, hh, ww);
        foreach (var b in spec.Blocks)
        {
            if (b.HasExpand)
            {
                Consider($"{b.Prefix}.conv_exp", b.DwChannels, hh, ww);
            }
            hh = Out(hh, b.Stride);
            ww = Out(ww, b.Stride);
            Consider($"{b.Prefix}.conv_dw", b.DwChannels, hh, ww);
            Consider(b.Prefix, b.OutChannels, hh, ww);
        }
        Consider(spec.PenultimatePrefix, spec.PenultimateChannels, hh, ww);
        return largest;
    }
}
