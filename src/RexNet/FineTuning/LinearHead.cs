using System.Numerics.Tensors;

namespace RexNet.FineTuning;

/// <summary>A linear classifier, logits = W x + b, with W [classes, features] row-major as timm's head.fc stores it.</summary>
internal sealed class LinearHead
{
    public LinearHead(int classes, int features)
    {
        Classes = classes;
        Features = features;
        Weight = new float[checked(classes * features)];
        Bias = new float[classes];
    }

    public int Classes { get; }
    public int Features { get; }
    public float[] Weight { get; }
    public float[] Bias { get; }

    public ReadOnlySpan<float> WeightRow(int k) => Weight.AsSpan(k * Features, Features);

    public void Logits(ReadOnlySpan<float> x, Span<float> logits)
    {
        for (int k = 0; k < Classes; k++)
        {
            logits[k] = Bias[k] + TensorPrimitives.Dot(x, WeightRow(k));
        }
    }

    public void Clear()
    {
        Array.Clear(Weight);
        Array.Clear(Bias);
    }
}
