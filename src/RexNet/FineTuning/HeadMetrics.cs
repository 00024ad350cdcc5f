namespace RexNet.FineTuning;

/// <summary>Mean cross-entropy and top-1 of a head over a set of rows, computed per row in parallel and summed in order.</summary>
internal static class HeadMetrics
{
    public static (double Loss, double Top1) Measure(LinearHead head, FeatureMatrix x, int[] labels)
    {
        int n = x.Rows, k = head.Classes;
        var loss = new double[n];
        var right = new bool[n];
        Parallel.For(0, n, () => new float[k], (i, _, logits) =>
        {
            head.Logits(x.Row(i), logits);
            int best = 0;
            double max = logits[0];
            for (int c = 1; c < k; c++)
            {
                if (logits[c] > max)
                {
                    max = logits[c];
                    best = c;
                }
            }
            double sum = 0;
            for (int c = 0; c < k; c++)
            {
                sum += Math.Exp(logits[c] - max);
            }
            loss[i] = max + Math.Log(sum) - logits[labels[i]];
            right[i] = best == labels[i];
            return logits;
        }, _ => { });
        double total = 0;
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            total += loss[i];
            correct += right[i] ? 1 : 0;
        }
        return n == 0 ? (0, 0) : (total / n, (double)correct / n);
    }
}
