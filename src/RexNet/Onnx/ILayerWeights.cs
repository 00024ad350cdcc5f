using RexNet.Weights;

namespace RexNet.Onnx;

/// <summary>A BatchNorm's four per-channel tensors, as timm stores them.</summary>
internal sealed record BatchNormParams(float[] Scale, float[] Bias, float[] Mean, float[] Variance);

/// <summary>
/// Where the exported graph's parameters come from. The graph's shape is the same either way; the two
/// sources differ only in whether each conv carries its BatchNorm folded in or as a separate node.
/// </summary>
internal interface ILayerWeights
{
    /// <summary>A ConvNormAct layer's conv weight, and its bias when BatchNorm was folded into it.</summary>
    (float[] Weight, float[]? Bias) Conv(TimmConvLayer layer);

    /// <summary>The BatchNorm after a conv or the SE's fc1; null when it was folded into that layer.</summary>
    BatchNormParams? Norm(string bnPrefix);

    /// <summary>The SE's fc1 (reduce) as a 1x1 conv weight and bias.</summary>
    (float[] Weight, float[] Bias) SeReduce(string sePrefix);

    /// <summary>The SE's fc2 (expand) as a 1x1 conv weight and bias.</summary>
    (float[] Weight, float[] Bias) SeExpand(string sePrefix);

    (float[] Weight, float[] Bias) Classifier();
}
