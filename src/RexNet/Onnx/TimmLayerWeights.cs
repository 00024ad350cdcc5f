using RexNet.Weights;

namespace RexNet.Onnx;

/// <summary>Parameters straight from a validated timm state_dict: raw conv weights and separate BatchNorms.</summary>
internal sealed class TimmLayerWeights(IReadOnlyDictionary<string, TensorData> stateDict) : ILayerWeights
{
    public (float[] Weight, float[]? Bias) Conv(TimmConvLayer layer) => (Get(layer.WeightKey), null);

    public BatchNormParams? Norm(string bnPrefix) => new(
        Get($"{bnPrefix}.weight"), Get($"{bnPrefix}.bias"), Get($"{bnPrefix}.running_mean"), Get($"{bnPrefix}.running_var"));

    public (float[] Weight, float[] Bias) SeReduce(string sePrefix) => (Get($"{sePrefix}.fc1.weight"), Get($"{sePrefix}.fc1.bias"));

    public (float[] Weight, float[] Bias) SeExpand(string sePrefix) => (Get($"{sePrefix}.fc2.weight"), Get($"{sePrefix}.fc2.bias"));

    public (float[] Weight, float[] Bias) Classifier() => (Get("head.fc.weight"), Get("head.fc.bias"));

    private float[] Get(string key) => stateDict[key].Data;
}
