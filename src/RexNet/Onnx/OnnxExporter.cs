using Google.Protobuf;
using RexNet.IO;
using RexNet.Model;
using RexNet.Onnx.Proto;
using RexNet.Weights;

namespace RexNet.Onnx;

/// <summary>
/// Exports a ReXNet to ONNX: input "input" float32 [batch, 3, height, width], output "logits" [batch, classes].
/// Either with BatchNorm folded (the weights our engines run) or with timm's BatchNorm layers kept as
/// BatchNormalization nodes (the raw checkpoint, for tools that fold or quantise themselves).
/// Every export is checked by <see cref="OnnxModelValidator"/> before it is handed out.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = RexNetOnnxGraph.InputName;
    public const string OutputName = RexNetOnnxGraph.OutputName;

    /// <summary>Exports BN-folded weights: Conv nodes with biases, no BatchNormalization. The labels embedded are the
    /// options', else the weights' own, else ImageNet-1k's for a 1000-class head.</summary>
    public static OnnxModel ExportFolded(FoldedModel model, OnnxExportOptions options) =>
        Export(model.Spec, new FoldedLayerWeights(model), keepsBatchNorm: false, options, model.Labels);

    /// <summary>Exports a timm state_dict as is: bias-free Conv nodes each followed by BatchNormalization.
    /// <paramref name="labels"/> are the weights' declared class names, if any.</summary>
    public static OnnxModel ExportWithBatchNorm(ModelSpec spec, IReadOnlyDictionary<string, TensorData> stateDict, OnnxExportOptions options,
        IReadOnlyList<string>? labels = null)
    {
        StateDictValidation.Validate(spec, stateDict);
        return Export(spec, new TimmLayerWeights(stateDict), keepsBatchNorm: true, options, labels);
    }

    private static OnnxModel Export(ModelSpec spec, ILayerWeights weights, bool keepsBatchNorm, OnnxExportOptions options, IReadOnlyList<string>? labels)
    {
        options.Validate(spec.NumClasses);
        var graph = RexNetOnnxGraph.Build(spec, weights, options);
        var model = new ModelProto
        {
            IrVersion = OnnxOpsets.IrVersionFor(options.Opset),
            ProducerName = "RexNetCuda",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            ModelVersion = 1,
            DocString = $"timm {spec.Name} (ReXNet) exported by RexNetCuda; BatchNorm {(keepsBatchNorm ? "kept" : "folded")}",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        OnnxMetadata.Add(model, spec, keepsBatchNorm, options.ClassLabels ?? labels ?? ModelLabels.ImageNetDefault(spec.NumClasses), options.PreprocessFor(spec));
        OnnxModelValidator.EnsureValid(model);
        return new OnnxModel(model, graph.ParameterCount);
    }
}

/// <summary>An exported ONNX model: write it to a file or hand its bytes to a runtime.</summary>
public sealed class OnnxModel
{
    internal ModelProto Proto { get; }

    public int Opset => (int)Proto.OpsetImport[0].Version;
    public long IrVersion => Proto.IrVersion;
    public int NodeCount => Proto.Graph.Node.Count;
    public int InitializerCount => Proto.Graph.Initializer.Count;

    /// <summary>Float parameters stored in the file (the ReLU6 bounds included).</summary>
    public long ParameterCount { get; }

    /// <summary>How many nodes of each op type the graph holds.</summary>
    public IReadOnlyDictionary<string, int> OpCounts =>
        Proto.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Metadata =>
        Proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    internal OnnxModel(ModelProto proto, long parameterCount)
    {
        Proto = proto;
        ParameterCount = parameterCount;
    }

    public byte[] ToBytes() => Proto.ToByteArray();

    /// <summary>Writes the model through a temporary file and a rename (never a half-written .onnx; a symbolic
    /// link keeps pointing at the new file); "-" is standard output.</summary>
    public void Save(string path) => OutputFile.Write(path, WriteTo);

    /// <summary>Writes the serialised model to <paramref name="stream"/>, which stays open.</summary>
    public void WriteTo(Stream stream) => Proto.WriteTo(stream);
}
