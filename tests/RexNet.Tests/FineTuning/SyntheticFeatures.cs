using RexNet.FineTuning;

namespace RexNet.Tests.FineTuning;

/// <summary>Gaussian clusters, one per class, generated from a seed: linearly separable when the spread is small.</summary>
internal static class SyntheticFeatures
{
    /// <summary>Samples around centres drawn from <paramref name="centreSeed"/>: two sets with the same centre seed
    /// and different sample seeds are a training and a validation set of the same classes.</summary>
    public static LabelledFeatures Clusters(int classes, int perClass, int features, double spread, int centreSeed, int sampleSeed,
        double scale = 1, double offset = 0, int[]? counts = null)
    {
        var rng = new Random(centreSeed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var centres = new double[classes, features];
        for (int c = 0; c < classes; c++)
        {
            for (int j = 0; j < features; j++)
            {
                centres[c, j] = Normal();
            }
        }
        var sampleRng = new Random(sampleSeed);
        double SampleNormal() => Math.Sqrt(-2 * Math.Log(1 - sampleRng.NextDouble())) * Math.Cos(2 * Math.PI * sampleRng.NextDouble());
        int total = counts?.Sum() ?? classes * perClass;
        var x = new FeatureMatrix(total, features);
        var labels = new int[total];
        int row = 0;
        for (int c = 0; c < classes; c++)
        {
            for (int s = 0; s < (counts?[c] ?? perClass); s++, row++)
            {
                labels[row] = c;
                var r = x.Row(row);
                for (int j = 0; j < features; j++)
                {
                    r[j] = (float)((centres[c, j] + spread * SampleNormal()) * scale + offset);
                }
            }
        }
        return new LabelledFeatures(x, labels);
    }
}
