namespace RexNet.FineTuning;

/// <summary>A labelled feature set: row i of <see cref="Features"/> has class <c>Labels[i]</c>.</summary>
internal sealed record LabelledFeatures(FeatureMatrix Features, int[] Labels)
{
    public int Count => Features.Rows;
}

/// <summary>
/// Trains a linear softmax head from zero on (already standardised) features: minibatches in a seeded random
/// order each epoch, the <see cref="SoftmaxObjective"/>, the chosen optimizer, and a learning rate that follows a
/// cosine from its peak at the first step to zero after the last. Deterministic for a seed.
/// </summary>
internal static class HeadTrainer
{
    public static LinearHead Train(LabelledFeatures train, LabelledFeatures? validation, int classes, HeadTrainingOptions options,
        Action<EpochReport>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        int features = train.Features.Columns;
        if (train.Count == 0)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, "there are no training samples");
        }
        var head = new LinearHead(classes, features);
        var gradient = new LinearHead(classes, features);
        var objective = new SoftmaxObjective(classes, options.LabelSmoothing,
            SoftmaxObjective.ClassWeights(train.Labels, classes, options.ClassBalance));
        var optimizer = IHeadOptimizer.Create(options, classes, features);
        var rng = new Random(options.Seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        int batch = Math.Min(options.BatchSize, train.Count);
        int stepsPerEpoch = (train.Count + batch - 1) / batch;
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        long step = 0;
        double peak = options.EffectiveLearningRate;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            double lr = peak;
            for (int start = 0; start < order.Length; start += batch)
            {
                cancel.ThrowIfCancellationRequested();
                lr = CosineRate(peak, step++, totalSteps);
                var rows = new ArraySegment<int>(order, start, Math.Min(batch, order.Length - start));
                objective.LossAndGradient(head, train.Features, rows, train.Labels, gradient);
                optimizer.Step(head, gradient, lr);
            }
            if (!AllFinite(head.Weight) || !AllFinite(head.Bias))
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument,
                    $"training diverged in epoch {epoch} (the head's weights are no longer finite): lower the learning rate (it was {peak})");
            }
            var (trainLoss, trainTop1) = HeadMetrics.Measure(head, train.Features, train.Labels);
            (double Loss, double Top1)? val = validation is null ? null : HeadMetrics.Measure(head, validation.Features, validation.Labels);
            progress?.Invoke(new EpochReport(epoch, options.Epochs, lr, trainLoss, trainTop1, val?.Loss, val?.Top1));
        }
        return head;
    }

    /// <summary>The rate at step t of T: peak * (1 + cos(pi t / T)) / 2, from the peak down towards zero.</summary>
    public static double CosineRate(double peak, long step, long totalSteps) =>
        peak * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));

    private static bool AllFinite(float[] values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }
        return true;
    }
}
