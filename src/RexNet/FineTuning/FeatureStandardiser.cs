namespace RexNet.FineTuning;

/// <summary>
/// Maps raw pooled features to z = (x - mean) * scale per feature, with scale = 1 / (std * sqrt(d)), so that every
/// feature has unit variance over the training set and a sample's squared norm is about 1 whatever the backbone
/// (a random-init backbone's features are tiny, a pretrained one's are large). A feature that does not vary over the
/// training set carries nothing the head could learn and is dropped (scale 0). The map is linear, so a head trained
/// on z folds back into one that takes raw features: W' = W * scale (per column), b' = b - W' mean.
/// </summary>
internal sealed class FeatureStandardiser
{
    /// <summary>A spread this far below the largest one is float32 rounding, not signal.</summary>
    private const double NegligibleSpread = 1e-6;

    private FeatureStandardiser(double[] mean, double[] scale, int kept)
    {
        Mean = mean;
        Scale = scale;
        KeptFeatures = kept;
    }

    public double[] Mean { get; }
    public double[] Scale { get; }

    /// <summary>Features that vary over the training set; the others have scale 0.</summary>
    public int KeptFeatures { get; }

    public static FeatureStandardiser Fit(FeatureMatrix x)
    {
        int n = x.Rows, d = x.Columns;
        var mean = new double[d];
        var variance = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < d; j++)
            {
                if (!float.IsFinite(row[j]))
                {
                    throw new RexNetException(RexNetErrorCode.InvalidFile, $"feature {j} of sample {i} is {row[j]}: the backbone's weights produce non-finite features");
                }
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }
        // Two passes: the one-pass formula loses everything when the mean is much larger than the spread.
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < d; j++)
            {
                double c = row[j] - mean[j];
                variance[j] += c * c;
            }
        }
        var std = variance.Select(v => Math.Sqrt(v / n)).ToArray();
        double largest = std.Max();
        int kept = std.Count(s => s > largest * NegligibleSpread && s > 0);
        var scale = new double[d];
        if (kept > 0)
        {
            double norm = Math.Sqrt(kept);
            for (int j = 0; j < d; j++)
            {
                scale[j] = std[j] > largest * NegligibleSpread && std[j] > 0 ? 1 / (std[j] * norm) : 0;
            }
        }
        return new FeatureStandardiser(mean, scale, kept);
    }

    public FeatureMatrix Apply(FeatureMatrix x)
    {
        var z = new FeatureMatrix(x.Rows, x.Columns);
        for (int i = 0; i < x.Rows; i++)
        {
            var source = x.Row(i);
            var target = z.Row(i);
            for (int j = 0; j < x.Columns; j++)
            {
                target[j] = (float)((source[j] - Mean[j]) * Scale[j]);
            }
        }
        return z;
    }

    /// <summary>The head that gives on raw features the logits <paramref name="head"/> gives on standardised ones, folded in double.</summary>
    public LinearHead Fold(LinearHead head)
    {
        var folded = new LinearHead(head.Classes, head.Features);
        for (int k = 0; k < head.Classes; k++)
        {
            var w = head.WeightRow(k);
            var target = folded.Weight.AsSpan(k * head.Features, head.Features);
            double bias = head.Bias[k];
            for (int j = 0; j < head.Features; j++)
            {
                // The bias answers for the float32 weight the engine will multiply with, not the double one.
                target[j] = (float)(w[j] * Scale[j]);
                bias -= target[j] * Mean[j];
            }
            folded.Bias[k] = (float)bias;
        }
        return folded;
    }
}
