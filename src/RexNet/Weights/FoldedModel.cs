using RexNet.Model;

namespace RexNet.Weights;

/// <summary>A conv with BatchNorm folded in: weight [out, in/groups, k, k] and a bias [out].</summary>
public sealed record ConvWeights(int OutChannels, int InChannelsPerGroup, int Kernel, float[] Weight, float[] Bias);

/// <summary>
/// Squeeze-excitation weights: fc1 [reduced, channels] with the SE's BatchNorm folded into it,
/// fc2 [channels, reduced]; both with biases.
/// </summary>
public sealed record SeWeights(int Channels, int Reduced, float[] Fc1Weight, float[] Fc1Bias, float[] Fc2Weight, float[] Fc2Bias);

public sealed record BlockWeights(BottleneckSpec Spec, ConvWeights? Expand, ConvWeights Depthwise, SeWeights? Se, ConvWeights Project);

/// <summary>Everything a backend needs to run a model: the spec and BN-folded float32 weights.</summary>
public sealed record FoldedModel(
    ModelSpec Spec, ConvWeights Stem, IReadOnlyList<BlockWeights> Blocks, ConvWeights Penultimate,
    float[] ClassifierWeight, float[] ClassifierBias)
{
    /// <summary>The class names the weights declare (safetensors metadata rexnet.labels), one per head row; null when they name none.</summary>
    public IReadOnlyList<string>? Labels { get; init; }
}
