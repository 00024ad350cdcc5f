using RexNet.Weights;

namespace RexNet.Cuda;

/// <summary>
/// Where each weight and bias array of a folded model lives inside the engine's single weight allocation.
/// Arrays are found by reference, so the layout serves every batch size's plan (they share the model).
/// </summary>
internal sealed class DeviceWeightLayout
{
    private readonly Dictionary<float[], long> _offsets = new(ReferenceEqualityComparer.Instance);
    private readonly List<float[]> _arrays = [];

    public long TotalFloats { get; }

    public DeviceWeightLayout(FoldedModel model)
    {
        void Add(float[] a)
        {
            if (!_offsets.ContainsKey(a))
            {
                _offsets[a] = -1;
                _arrays.Add(a);
            }
        }
        void Conv(ConvWeights c)
        {
            Add(c.Weight);
            Add(c.Bias);
        }
        Conv(model.Stem);
        foreach (var b in model.Blocks)
        {
            if (b.Expand is { } e) Conv(e);
            Conv(b.Depthwise);
            if (b.Se is { } se)
            {
                Add(se.Fc1Weight);
                Add(se.Fc1Bias);
                Add(se.Fc2Weight);
                Add(se.Fc2Bias);
            }
            Conv(b.Project);
        }
        Conv(model.Penultimate);
        Add(model.ClassifierWeight);
        Add(model.ClassifierBias);
        var (offsets, total) = DeviceLayout.Pack(_arrays.Select(a => (long)a.Length).ToArray());
        for (int i = 0; i < _arrays.Count; i++)
        {
            _offsets[_arrays[i]] = offsets[i];
        }
        TotalFloats = total;
    }

    public long Bytes => TotalFloats * sizeof(float);

    public DeviceRef RefOf(float[] array) =>
        _offsets.TryGetValue(array, out long offset)
            ? new DeviceRef(DeviceRegion.Weights, offset)
            : throw new ArgumentException("the array is not one of this model's weights");

    /// <summary>The packed image uploaded once at engine creation (zero in the alignment gaps).</summary>
    public float[] Pack()
    {
        var packed = new float[TotalFloats];
        foreach (var a in _arrays)
        {
            a.CopyTo(packed, _offsets[a]);
        }
        return packed;
    }
}
