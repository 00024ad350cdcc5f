namespace RexNet.FineTuning;

/// <summary>PyTorch's SGD: g = grad + decay * w (weights only); v = momentum * v + g; w -= lr * v.</summary>
internal sealed class SgdMomentum(int classes, int features, double momentum, double weightDecay) : IHeadOptimizer
{
    private readonly LinearHead _velocity = new(classes, features);

    public void Step(LinearHead head, LinearHead gradient, double learningRate)
    {
        Update(head.Weight, gradient.Weight, _velocity.Weight, weightDecay, learningRate);
        Update(head.Bias, gradient.Bias, _velocity.Bias, 0, learningRate);
    }

    private void Update(float[] parameter, float[] gradient, float[] velocity, double decay, double learningRate)
    {
        for (int i = 0; i < parameter.Length; i++)
        {
            double g = gradient[i] + decay * parameter[i];
            double v = momentum * velocity[i] + g;
            velocity[i] = (float)v;
            parameter[i] = (float)(parameter[i] - learningRate * v);
        }
    }
}
