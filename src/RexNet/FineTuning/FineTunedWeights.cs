using RexNet.IO;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.FineTuning;

/// <summary>
/// Writes a complete timm-layout weights file: every tensor of the source file as it was (widened to float32;
/// BatchNorm counters kept), except head.fc.weight [classes, features] and head.fc.bias [classes], which are the new
/// head's. The metadata keeps the source's entries and sets the model and the class labels.
/// </summary>
internal static class FineTunedWeights
{
    public const string SummaryKey = "rexnet.finetune";

    public static void Write(string source, string output, ModelSpec spec, IReadOnlyList<string> labels, LinearHead head, string summaryJson)
    {
        if (labels.Count != head.Classes || head.Features != spec.PenultimateChannels)
        {
            throw new RexNetException(RexNetErrorCode.Internal,
                $"a head of [{head.Classes}, {head.Features}] with {labels.Count} labels does not fit {spec.Name} ({spec.PenultimateChannels} features)");
        }
        using var file = SafeTensorsFile.Open(source);
        var tensors = new List<TensorData>();
        var counters = new List<(string, long)>();
        foreach (var e in file.Entries)
        {
            if (e.DType == SafeTensorsDType.I64)
            {
                counters.Add((e.Name, file.ReadInt64Scalar(e.Name)));
            }
            else if (e.Name == TimmLayout.HeadWeightKey)
            {
                tensors.Add(new TensorData(TimmLayout.HeadWeightKey, [head.Classes, head.Features], head.Weight));
            }
            else if (e.Name == TimmLayout.HeadBiasKey)
            {
                tensors.Add(new TensorData(TimmLayout.HeadBiasKey, [head.Classes], head.Bias));
            }
            else
            {
                tensors.Add(new TensorData(e.Name, e.Shape, file.ReadFloat32(e.Name)));
            }
        }
        var metadata = new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal)
        {
            [ModelIdentification.MetadataKey] = spec.Name,
            [WeightsMetadata.Labels] = WeightsMetadata.LabelsJson(labels),
            [SummaryKey] = summaryJson,
        };
        metadata.TryAdd("format", "pt");
        SafeTensorsWriter.Write(output, tensors, counters, metadata);
    }
}
