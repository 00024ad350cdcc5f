namespace RexNet.Imaging;

/// <summary>The interpolation kernels the presets need, as functions of distance in source pixels.</summary>
internal abstract class ResampleFilter
{
    /// <summary>Half-width of the kernel at scale 1.</summary>
    public abstract double Support { get; }

    public abstract double Weight(double x);

    /// <summary>Keys' cubic convolution with a = -0.5 (Catmull-Rom), as PIL's BICUBIC uses.</summary>
    public static ResampleFilter Bicubic { get; } = new CubicFilter(-0.5);

    /// <summary>The triangle (tent) kernel: linear interpolation between neighbours.</summary>
    public static ResampleFilter Bilinear { get; } = new TriangleFilter();

    private sealed class CubicFilter(double a) : ResampleFilter
    {
        public override double Support => 2.0;

        public override double Weight(double x)
        {
            x = Math.Abs(x);
            if (x < 1.0)
            {
                return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
            }
            if (x < 2.0)
            {
                return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
            }
            return 0.0;
        }
    }

    private sealed class TriangleFilter : ResampleFilter
    {
        public override double Support => 1.0;

        public override double Weight(double x)
        {
            x = Math.Abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    }
}
