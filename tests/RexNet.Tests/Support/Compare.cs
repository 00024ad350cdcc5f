namespace RexNet.Tests.Support;

/// <summary>Whole-tensor comparison with the project's relative bound max|a-b| &lt;= tol * max(1, max|ref|).</summary>
internal static class Compare
{
    public sealed record Result(double MaxAbsError, double MaxAbsRef, int FirstBadIndex, double NormalisedMse)
    {
        public override string ToString() =>
            $"max|a-b|={MaxAbsError:E3}, max|ref|={MaxAbsRef:E3}, nmse={NormalisedMse:E3}, first mismatch at {FirstBadIndex}";
    }

    public static Result Measure(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxRef = 0, maxErr = 0, se = 0, sr = 0;
        foreach (float v in expected)
        {
            maxRef = Math.Max(maxRef, Math.Abs(v));
        }
        double bound = tolerance * Math.Max(1.0, maxRef);
        int firstBad = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (!(d <= bound) && firstBad < 0)
            {
                firstBad = i;
            }
            maxErr = Math.Max(maxErr, double.IsNaN(d) ? double.PositiveInfinity : d);
            se += d * d;
            sr += (double)expected[i] * expected[i];
        }
        return new Result(maxErr, maxRef, firstBad, sr > 0 ? se / sr : se);
    }

    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string what)
    {
        var r = Measure(actual, expected, tolerance);
        Assert.True(r.FirstBadIndex < 0, $"{what}: {r} exceeds {tolerance:E1} * max(1, max|ref|)");
    }
}
