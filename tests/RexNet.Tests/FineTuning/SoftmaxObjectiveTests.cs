using RexNet.FineTuning;

namespace RexNet.Tests.FineTuning;

/// <summary>The loss the head is trained on, and its gradient, checked against central finite differences.</summary>
public class SoftmaxObjectiveTests
{
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, true)]
    [InlineData(0.3, true)]
    public void GradientMatchesFiniteDifferences(double smoothing, bool balance)
    {
        const int classes = 4, features = 7;
        var data = SyntheticFeatures.Clusters(classes, 0, features, spread: 1.0, centreSeed: 1, sampleSeed: 2, counts: [5, 1, 3, 2]);
        var objective = new SoftmaxObjective(classes, smoothing, SoftmaxObjective.ClassWeights(data.Labels, classes, balance));
        var rng = new Random(3);
        var head = new LinearHead(classes, features);
        for (int i = 0; i < head.Weight.Length; i++)
        {
            head.Weight[i] = (float)(rng.NextDouble() - 0.5);
        }
        for (int k = 0; k < classes; k++)
        {
            head.Bias[k] = (float)(rng.NextDouble() - 0.5);
        }
        // A batch that repeats a row and leaves others out, as minibatches of a shuffled order never do but could.
        var rows = new ArraySegment<int>([0, 3, 3, 5, 6, 8, 10, 1]);
        var gradient = new LinearHead(classes, features);
        double loss = objective.LossAndGradient(head, data.Features, rows, data.Labels, gradient);
        Assert.Equal(loss, objective.Loss(head, data.Features, rows, data.Labels));

        const float h = 1e-2f;
        double Numeric(float[] parameter, int i)
        {
            float saved = parameter[i];
            parameter[i] = saved + h;
            double up = objective.Loss(head, data.Features, rows, data.Labels);
            parameter[i] = saved - h;
            double down = objective.Loss(head, data.Features, rows, data.Labels);
            parameter[i] = saved;
            return (up - down) / (2 * h);
        }
        double worst = 0;
        for (int i = 0; i < head.Weight.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(Numeric(head.Weight, i) - gradient.Weight[i]));
        }
        for (int k = 0; k < classes; k++)
        {
            worst = Math.Max(worst, Math.Abs(Numeric(head.Bias, k) - gradient.Bias[k]));
        }
        double largest = gradient.Weight.Concat(gradient.Bias).Max(g => Math.Abs(g));
        Assert.True(largest > 0.05, $"the gradient is too small to test anything: {largest}");
        Assert.True(worst < 2e-3 * largest, $"analytic and numeric gradients differ by {worst:E2} (largest component {largest:E2})");
    }

    [Fact]
    public void LossIsLabelSmoothedCrossEntropyWeightedByClass()
    {
        // Two samples, two classes, one feature: logits are exactly what the weights say.
        var x = new FeatureMatrix(2, 1, [1f, 1f]);
        var head = new LinearHead(2, 1);
        head.Weight[0] = 2f;
        var objective = new SoftmaxObjective(2, 0.2, [1f, 3f]);
        double loss = objective.Loss(head, x, new ArraySegment<int>([0, 1]), [0, 1]);

        double lse = Math.Log(Math.Exp(2) + 1);
        double ce0 = 0.9 * (lse - 2) + 0.1 * lse;   // true class 0: q = (0.9, 0.1)
        double ce1 = 0.1 * (lse - 2) + 0.9 * lse;   // true class 1: q = (0.1, 0.9)
        Assert.Equal((1 * ce0 + 3 * ce1) / 4, loss, 1e-6);
    }

    [Fact]
    public void BalancedWeightsGiveEveryClassTheSameTotal()
    {
        var weights = SoftmaxObjective.ClassWeights([0, 0, 0, 1, 2, 2], 3, balance: true);
        Assert.Equal([6f / 9, 2f, 1f], weights);
        Assert.Equal([1f, 1f, 1f], SoftmaxObjective.ClassWeights([0, 0, 0, 1, 2, 2], 3, balance: false));
    }
}
