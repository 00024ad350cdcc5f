namespace RexNet.FineTuning;

/// <summary>
/// AdamW with PyTorch's defaults (beta1 0.9, beta2 0.999, eps 1e-8): bias-corrected moments, and weight decay
/// applied to the weights directly (w -= lr * decay * w), not through the gradient; the bias is not decayed.
/// </summary>
internal sealed class AdamW(int classes, int features, double weightDecay) : IHeadOptimizer
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly LinearHead _first = new(classes, features);
    private readonly LinearHead _second = new(classes, features);
    private int _step;

    public void Step(LinearHead head, LinearHead gradient, double learningRate)
    {
        _step++;
        double correction1 = 1 - Math.Pow(Beta1, _step), correction2 = 1 - Math.Pow(Beta2, _step);
        Update(head.Weight, gradient.Weight, _first.Weight, _second.Weight, weightDecay, learningRate, correction1, correction2);
        Update(head.Bias, gradient.Bias, _first.Bias, _second.Bias, 0, learningRate, correction1, correction2);
    }

    private static void Update(float[] parameter, float[] gradient, float[] first, float[] second, double decay,
        double learningRate, double correction1, double correction2)
    {
        for (int i = 0; i < parameter.Length; i++)
        {
            double g = gradient[i];
            double m = Beta1 * first[i] + (1 - Beta1) * g;
            double v = Beta2 * second[i] + (1 - Beta2) * g * g;
            first[i] = (float)m;
            second[i] = (float)v;
            double p = parameter[i] * (1 - learningRate * decay);
            parameter[i] = (float)(p - learningRate * (m / correction1) / (Math.Sqrt(v / correction2) + Epsilon));
        }
    }
}
