using RexNet.IO;
using RexNet.Model;

namespace RexNet.Weights;

/// <summary>
/// Which zoo model a weights file holds, so that loading needs no model name: the safetensors metadata key
/// <see cref="MetadataKey"/> (which <c>rexnet init</c> writes), else the one zoo model whose every tensor the
/// file has with the right shape (timm's own files carry no model name).
/// </summary>
internal static class ModelIdentification
{
    public const string MetadataKey = "rexnet.model";

    /// <summary>The requested model when one is given (the caller checks that the file matches it), else the
    /// file's, or a <see cref="RexNetException"/> (InvalidFile) saying why it cannot be told.</summary>
    public static ModelSpec Identify(SafeTensorsFile file, string? requested)
    {
        if (requested is not null)
        {
            return ModelSpec.FromZoo(requested);
        }
        if (file.Metadata.TryGetValue(MetadataKey, out string? named) && ModelZoo.TryGet(named, out var entry))
        {
            return ModelSpec.FromEntry(entry);
        }
        var shapes = file.Entries.ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal);
        var scored = ModelZoo.All
            .Select(e => WithHeadRows(ModelSpec.FromEntry(e), shapes))
            .Select(spec =>
            {
                var expected = TimmLayout.ExpectedTensors(spec);
                int matching = expected.Count(t => shapes.TryGetValue(t.Key, out var s) && s.SequenceEqual(t.Shape));
                return (Spec: spec, Matching: matching, Expected: expected.Count);
            })
            .OrderByDescending(s => (double)s.Matching / s.Expected)
            .ToArray();
        var complete = scored.Where(s => s.Matching == s.Expected).ToArray();
        if (complete.Length == 1)
        {
            return complete[0].Spec;
        }
        string why = complete.Length > 1
            ? $"its tensors fit {string.Join(" and ", complete.Select(s => s.Spec.Name))} alike"
            : $"its tensor shapes match no zoo model (closest: {scored[0].Spec.Name}, {scored[0].Matching} of {scored[0].Expected} tensors)";
        throw new InvalidInputFileException(file.Path,
            $"cannot tell which model these weights are for: no known '{MetadataKey}' in the metadata and {why}; name the model (EngineOptions.Model, --model)");
    }

    /// <summary>A head of any number of classes fits: a fine-tuned file is still its backbone's model.</summary>
    private static ModelSpec WithHeadRows(ModelSpec spec, Dictionary<string, int[]> shapes) =>
        shapes.TryGetValue(TimmLayout.HeadWeightKey, out var head) && head is [> 0 and var rows, _] ? spec with { NumClasses = rows } : spec;

    /// <summary>What the file says about itself, for error messages: " (the file says it holds rexnet_130)".</summary>
    public static string Claim(SafeTensorsFile file) =>
        file.Metadata.TryGetValue(MetadataKey, out string? named) ? $" (the file says it holds {named})" : "";
}
