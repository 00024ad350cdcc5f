namespace RexNet.Cli.Benchmarking;

/// <summary>The input the benchmarks time: uniform in [-1, 1), about the range of a normalised image.</summary>
internal static class RandomInput
{
    /// <summary><paramref name="length"/> values drawn from <paramref name="rng"/>, which carries on across batch sizes.</summary>
    public static float[] Create(Random rng, int length)
    {
        var input = new float[length];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return input;
    }
}
