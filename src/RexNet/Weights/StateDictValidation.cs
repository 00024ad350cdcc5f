using RexNet.Model;

namespace RexNet.Weights;

/// <summary>Thrown when a weight file does not hold the tensors a model needs.</summary>
public sealed class WeightMismatchException(string message) : RexNetException(RexNetErrorCode.InvalidFile, message);

/// <summary>Checks a state_dict against the layout a <see cref="ModelSpec"/> expects, key by key.</summary>
internal static class StateDictValidation
{
    public static void Validate(ModelSpec spec, IReadOnlyDictionary<string, TensorData> stateDict)
    {
        var problems = new List<string>();
        var expected = TimmLayout.ExpectedTensors(spec);
        var expectedKeys = new HashSet<string>(expected.Select(e => e.Key), StringComparer.Ordinal);
        foreach (var (key, shape) in expected)
        {
            if (!stateDict.TryGetValue(key, out var t))
            {
                problems.Add($"missing tensor '{key}' (expected shape {TensorData.FormatShape(shape)})");
            }
            else if (!t.Shape.SequenceEqual(shape))
            {
                problems.Add($"tensor '{key}' has shape {TensorData.FormatShape(t.Shape)}, expected {TensorData.FormatShape(shape)}");
            }
        }
        foreach (var key in stateDict.Keys.Where(k => !expectedKeys.Contains(k) && !TimmLayout.IsBatchCounter(k)).Order(StringComparer.Ordinal))
        {
            problems.Add($"unexpected tensor '{key}' with shape {TensorData.FormatShape(stateDict[key].Shape)}");
        }
        if (problems.Count > 0)
        {
            string more = problems.Count > 5 ? $" (and {problems.Count - 5} more)" : "";
            throw new WeightMismatchException(
                $"weights do not match {spec.Name}: {string.Join("; ", problems.Take(5))}{more}");
        }
    }
}
