using RexNet.Model;

namespace RexNet.Weights;

/// <summary>
/// Random weights in timm's layout: NOT pretrained, for trying the engine without a download.
/// Conv and linear weights use He-style scaling so that activations stay in a sane range through
/// all 17 stages; BatchNorm statistics and affine parameters are randomised so that folding is exercised.
/// </summary>
public static class RandomInit
{
    public static IReadOnlyList<TensorData> Create(ModelSpec spec, int seed)
    {
        var rng = new Random(seed);
        float Uniform(double lo, double hi) => (float)(lo + (hi - lo) * rng.NextDouble());

        var tensors = new List<TensorData>();
        foreach (var (key, shape) in TimmLayout.ExpectedTensors(spec))
        {
            var data = new float[TensorData.ElementCount(shape)];
            if (key.EndsWith(".weight", StringComparison.Ordinal) && shape.Length > 1)
            {
                int fanIn = shape.Skip(1).Aggregate(1, (a, b) => a * b);
                double bound = Math.Sqrt(3.0 / fanIn);
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = Uniform(-bound, bound);
                }
            }
            else
            {
                (double lo, double hi) = key switch
                {
                    _ when key.EndsWith(".bn.weight", StringComparison.Ordinal) => (0.5, 1.5),
                    _ when key.EndsWith(".running_var", StringComparison.Ordinal) => (0.5, 2.0),
                    _ when key.EndsWith(".running_mean", StringComparison.Ordinal) => (-0.2, 0.2),
                    _ => (-0.1, 0.1),
                };
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = Uniform(lo, hi);
                }
            }
            tensors.Add(new TensorData(key, shape, data));
        }
        return tensors;
    }

    /// <summary>The num_batches_tracked counters timm writes beside each BatchNorm.</summary>
    public static IReadOnlyList<string> BatchCounters(ModelSpec spec) =>
        TimmLayout.ExpectedTensors(spec)
            .Where(t => t.Key.EndsWith(".running_var", StringComparison.Ordinal))
            .Select(t => t.Key[..^"running_var".Length] + "num_batches_tracked")
            .ToArray();

    /// <summary>Writes a .safetensors file whose metadata names the model (so that loading it needs no model name)
    /// and says that it is not pretrained.</summary>
    public static void WriteFile(ModelSpec spec, int seed, string path) =>
        SafeTensorsWriter.Write(path, Create(spec, seed), FreshCounters(spec), Metadata(spec, seed));

    /// <summary>The same bytes as <see cref="WriteFile"/>, to a stream that stays open.</summary>
    public static void Write(ModelSpec spec, int seed, Stream stream) =>
        SafeTensorsWriter.Write(stream, Create(spec, seed), FreshCounters(spec), Metadata(spec, seed));

    /// <summary>Counters of BatchNorms that never saw a batch.</summary>
    private static (string, long)[] FreshCounters(ModelSpec spec) => BatchCounters(spec).Select(name => (name, 0L)).ToArray();

    private static Dictionary<string, string> Metadata(ModelSpec spec, int seed) => new()
    {
        ["format"] = "pt",
        [ModelIdentification.MetadataKey] = spec.Name,
        ["rexnet.note"] = $"random initialisation with seed {seed}: NOT pretrained, predictions are meaningless",
    };

    /// <summary>Loads and folds a random-init model without touching the disk.</summary>
    public static FoldedModel CreateFolded(ModelSpec spec, int seed) =>
        BatchNormFolding.Fold(spec, Create(spec, seed).ToDictionary(t => t.Name, StringComparer.Ordinal));
}
