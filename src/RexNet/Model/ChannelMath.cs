namespace RexNet.Model;

/// <summary>timm's channel arithmetic, reproduced exactly so that every width comes out as timm's.</summary>
internal static class ChannelMath
{
    /// <summary>timm.layers.make_divisible: round to the nearest multiple of <paramref name="divisor"/>,
    /// never going more than 10% below <paramref name="value"/>.</summary>
    public static int MakeDivisible(double value, int divisor, int? minValue = null, double roundLimit = 0.9)
    {
        int min = minValue ?? divisor;
        // Python's int() truncates toward zero; value is always positive here.
        int rounded = (int)(value + divisor / 2.0) / divisor * divisor;
        int result = Math.Max(min, rounded);
        if (result < roundLimit * value)
        {
            result += divisor;
        }
        return result;
    }

    /// <summary>Python 3's round(): halves go to the even neighbour.</summary>
    public static int PythonRound(double value) => (int)Math.Round(value, MidpointRounding.ToEven);
}
