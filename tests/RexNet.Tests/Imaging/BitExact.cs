namespace RexNet.Tests.Imaging;

/// <summary>Tensor equality with no tolerance, reporting how many values differ and by how much when they do.</summary>
internal static class BitExact
{
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int differing = 0;
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (actual[i] != expected[i])
            {
                differing++;
                max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
            }
        }
        Assert.True(differing == 0, $"{what}: {differing} of {expected.Length} values differ, max |diff| {max:E3}");
    }
}
