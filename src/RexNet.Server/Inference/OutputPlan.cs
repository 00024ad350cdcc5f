using System.Globalization;
using RexNet.Imaging;

namespace RexNet.Server.Inference;

/// <summary>
/// How the one output, <c>logits</c>, goes back: as FP32 [n, classes], or with the classification extension as
/// BYTES [n, K] strings "value:index:label" (best first; ":label" only when the head has labels), in JSON or raw.
/// </summary>
internal sealed record OutputPlan(bool Binary, int Classification)
{
    public static OutputPlan Resolve(IReadOnlyList<RequestedOutput> outputs, bool defaultBinary, ServedModel model)
    {
        if (outputs.Count == 0)
        {
            return new OutputPlan(defaultBinary, 0);
        }
        if (outputs.Count > 1)
        {
            throw InferenceException.BadRequest(
                $"the request asks for {outputs.Count} outputs ({string.Join(", ", outputs.Select(o => $"'{o.Name}'"))}); the model has one, '{ServedModel.OutputTensor}'");
        }
        var output = outputs[0];
        if (output.Name != ServedModel.OutputTensor)
        {
            throw InferenceException.BadRequest($"unknown output '{output.Name}'; model '{model.Name}' has one output, '{ServedModel.OutputTensor}'");
        }
        int k = 0;
        if (output.Classification is { } requested)
        {
            if (requested < 1)
            {
                throw InferenceException.BadRequest($"output '{output.Name}': classification must be at least 1, got {requested}");
            }
            k = Math.Min(requested, model.NumClasses);
        }
        return new OutputPlan(output.Binary ?? defaultBinary, k);
    }

    public string Datatype => Classification > 0 ? InputDecoder.Bytes : InputDecoder.Fp32;

    public long[] Shape(int count, ServedModel model) => [count, Classification > 0 ? Classification : model.NumClasses];

    /// <summary>The classification strings of every image, image by image, best class first.</summary>
    public string[] Classify(ReadOnlySpan<float> logits, int count, ServedModel model)
    {
        int classes = model.NumClasses;
        var result = new string[count * Classification];
        for (int i = 0; i < count; i++)
        {
            var row = logits.Slice(i * classes, classes);
            int[] best = TopK.Indices(row, Classification);
            for (int j = 0; j < best.Length; j++)
            {
                int c = best[j];
                string value = row[c].ToString(CultureInfo.InvariantCulture);
                result[i * Classification + j] = model.Labels is { } labels ? $"{value}:{c}:{labels[c]}" : $"{value}:{c}";
            }
        }
        return result;
    }
}
