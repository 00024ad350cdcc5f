namespace RexNet.Imaging;

/// <summary>Softmax and top-k over one image's logits.</summary>
public static class TopK
{
    /// <summary>Softmax in double precision, shifted by the maximum so large logits cannot overflow.</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits)
        {
            max = Math.Max(max, v);
        }
        var exp = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            exp[i] = Math.Exp(logits[i] - (double)max);
            sum += exp[i];
        }
        var result = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            result[i] = (float)(exp[i] / sum);
        }
        return result;
    }

    /// <summary>Indices of the k largest values, largest first; ties go to the lower index.</summary>
    public static int[] Indices(ReadOnlySpan<float> values, int k)
    {
        k = Math.Clamp(k, 0, values.Length);
        var order = new int[values.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        float[] copy = values.ToArray();
        Array.Sort(order, (a, b) => copy[b].CompareTo(copy[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return order[..k];
    }

    /// <summary>The k most probable ImageNet-1k classes of one image's 1000 logits.</summary>
    public static IReadOnlyList<Prediction> Predictions(ReadOnlySpan<float> logits, int k)
    {
        if (logits.Length != ImageNetClasses.Count)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"expected {ImageNetClasses.Count} ImageNet logits, got {logits.Length}");
        }
        return Predictions(logits, k, ImageNetClasses.Labels);
    }

    /// <summary>
    /// The k most probable classes of one image's logits, named by <paramref name="labels"/> (one per logit, as
    /// <see cref="RexNetEngine.ClassLabels"/>); WordNet ids are filled in when the labels are ImageNet-1k's.
    /// k larger than the number of classes gives them all.
    /// </summary>
    public static IReadOnlyList<Prediction> Predictions(ReadOnlySpan<float> logits, int k, IReadOnlyList<string> labels)
    {
        if (logits.Length != labels.Count)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{logits.Length} logits for {labels.Count} class labels");
        }
        if (k < 1)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"top-k must be at least 1, got {k}");
        }
        float[] probabilities = Softmax(logits);
        bool imageNet = Weights.ModelLabels.AreImageNet(labels);
        return Indices(probabilities, k)
            .Select(i => new Prediction(i, imageNet ? ImageNetClasses.Synsets[i] : null, labels[i], probabilities[i]))
            .ToArray();
    }
}
