using System.Numerics.Tensors;

namespace RexNet.FineTuning;

/// <summary>
/// The training loss of the head: cross-entropy against label-smoothed targets, q = (1 - eps) onehot(y) + eps / K,
/// each sample weighted by its class weight, averaged as sum(w_i CE_i) / sum(w_i) over the batch. Its gradient with
/// respect to sample i's logits is w_i (p_i - q_i) / sum(w). Weight decay is the optimizer's business, not the loss's.
/// Samples are computed in parallel and classes are accumulated in parallel, each in a fixed order, so the result
/// does not depend on the number of threads.
/// </summary>
internal sealed class SoftmaxObjective
{
    private readonly int _classes;
    private readonly double _smoothing;
    private readonly float[] _classWeight;

    public SoftmaxObjective(int classes, double labelSmoothing, float[] classWeight)
    {
        if (classWeight.Length != classes)
        {
            throw new ArgumentException($"{classWeight.Length} class weights for {classes} classes");
        }
        _classes = classes;
        _smoothing = labelSmoothing;
        _classWeight = classWeight;
    }

    /// <summary>Equal weights, or weights n / (K n_c) that give every class the same total weight.</summary>
    public static float[] ClassWeights(ReadOnlySpan<int> labels, int classes, bool balance)
    {
        var weights = new float[classes];
        if (!balance)
        {
            weights.AsSpan().Fill(1f);
            return weights;
        }
        var counts = new int[classes];
        foreach (int y in labels)
        {
            counts[y]++;
        }
        for (int k = 0; k < classes; k++)
        {
            weights[k] = counts[k] == 0 ? 0f : (float)((double)labels.Length / (classes * (double)counts[k]));
        }
        return weights;
    }

    /// <summary>The loss over <paramref name="rows"/> of <paramref name="x"/>; <paramref name="labels"/> is indexed by row.</summary>
    public double Loss(LinearHead head, FeatureMatrix x, ArraySegment<int> rows, int[] labels) => Evaluate(head, x, rows, labels, null);

    /// <summary>The loss over <paramref name="rows"/>, and its gradient written (not added) into <paramref name="gradient"/>.</summary>
    public double LossAndGradient(LinearHead head, FeatureMatrix x, ArraySegment<int> rows, int[] labels, LinearHead gradient) =>
        Evaluate(head, x, rows, labels, gradient);

    private double Evaluate(LinearHead head, FeatureMatrix x, ArraySegment<int> rows, int[] labels, LinearHead? gradient)
    {
        int n = rows.Count, k = _classes;
        var lossTerms = new double[n];
        var delta = gradient is null ? null : new float[n * k];
        double weightSum = 0;
        foreach (int row in rows)
        {
            weightSum += _classWeight[labels[row]];
        }
        if (!(weightSum > 0))
        {
            throw new ArgumentException("a batch needs at least one sample of non-zero weight");
        }
        Parallel.For(0, n, () => new float[k], (i, _, logits) =>
        {
            int row = rows[i], y = labels[row];
            head.Logits(x.Row(row), logits);
            double max = double.NegativeInfinity;
            foreach (float z in logits)
            {
                max = Math.Max(max, z);
            }
            double sumExp = 0;
            for (int c = 0; c < k; c++)
            {
                sumExp += Math.Exp(logits[c] - max);
            }
            double logSumExp = max + Math.Log(sumExp);
            double off = _smoothing / k, on = 1 - _smoothing + off;
            double w = _classWeight[y];
            double ce = 0;
            for (int c = 0; c < k; c++)
            {
                double q = c == y ? on : off;
                ce += q * (logSumExp - logits[c]);
                if (delta is not null)
                {
                    double p = Math.Exp(logits[c] - logSumExp);
                    delta[i * k + c] = (float)(w * (p - q) / weightSum);
                }
            }
            lossTerms[i] = w * ce;
            return logits;
        }, _ => { });

        if (gradient is not null)
        {
            Parallel.For(0, k, c =>
            {
                var g = gradient.Weight.AsSpan(c * head.Features, head.Features);
                g.Clear();
                double bias = 0;
                for (int i = 0; i < n; i++)
                {
                    float d = delta![i * k + c];
                    TensorPrimitives.MultiplyAdd(x.Row(rows[i]), d, g, g);
                    bias += d;
                }
                gradient.Bias[c] = (float)bias;
            });
        }
        double loss = 0;
        foreach (double term in lossTerms)
        {
            loss += term;
        }
        return loss / weightSum;
    }
}
