using RexNet.Weights;

namespace RexNet.Onnx;

/// <summary>Parameters from a <see cref="FoldedModel"/>: every BatchNorm already folded into a conv's weight and bias.</summary>
internal sealed class FoldedLayerWeights : ILayerWeights
{
    private readonly FoldedModel _model;
    private readonly Dictionary<string, ConvWeights> _convs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeWeights> _se = new(StringComparer.Ordinal);

    public FoldedLayerWeights(FoldedModel model)
    {
        _model = model;
        _convs["stem"] = model.Stem;
        foreach (var b in model.Blocks)
        {
            string p = b.Spec.Prefix;
            if (b.Expand is { } expand)
            {
                _convs[$"{p}.conv_exp"] = expand;
            }
            _convs[$"{p}.conv_dw"] = b.Depthwise;
            _convs[$"{p}.conv_pwl"] = b.Project;
            if (b.Se is { } se)
            {
                _se[$"{p}.se"] = se;
            }
        }
        _convs[model.Spec.PenultimatePrefix] = model.Penultimate;
    }

    public (float[] Weight, float[]? Bias) Conv(TimmConvLayer layer)
    {
        var c = _convs[layer.Prefix];
        return (c.Weight, c.Bias);
    }

    public BatchNormParams? Norm(string bnPrefix) => null;

    public (float[] Weight, float[] Bias) SeReduce(string sePrefix) => (_se[sePrefix].Fc1Weight, _se[sePrefix].Fc1Bias);

    public (float[] Weight, float[] Bias) SeExpand(string sePrefix) => (_se[sePrefix].Fc2Weight, _se[sePrefix].Fc2Bias);

    public (float[] Weight, float[] Bias) Classifier() => (_model.ClassifierWeight, _model.ClassifierBias);
}
