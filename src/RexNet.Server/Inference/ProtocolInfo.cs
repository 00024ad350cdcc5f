using System.Reflection;

namespace RexNet.Server.Inference;

/// <summary>A tensor as model metadata describes it; -1 marks the batch dimension.</summary>
internal sealed record TensorMetadata(string Name, string Datatype, long[] Shape);

/// <summary>What server and model metadata say, shared by REST and gRPC so the two never disagree.</summary>
internal static class ProtocolInfo
{
    public const string ServerName = "rexnet";
    public const string BinaryTensorData = "binary_tensor_data";
    public const string Classification = "classification";

    public static IReadOnlyList<string> Extensions { get; } = [BinaryTensorData, Classification];

    public static string ServerVersion { get; } =
        typeof(ProtocolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static IReadOnlyList<TensorMetadata> Inputs(ServedModel model)
    {
        var fp32 = new TensorMetadata(ServedModel.InputTensor, InputDecoder.Fp32, [-1, 3, model.Height, model.Width]);
        return [fp32, new TensorMetadata(ServedModel.ImageTensor, InputDecoder.Bytes, [-1])];
    }

    public static IReadOnlyList<TensorMetadata> Outputs(ServedModel model) =>
        [new TensorMetadata(ServedModel.OutputTensor, InputDecoder.Fp32, [-1, model.NumClasses])];

    /// <summary>Model properties: what a client may want to know beyond the tensors.</summary>
    public static IReadOnlyDictionary<string, string> Properties(ServedModel model) => new Dictionary<string, string>
    {
        ["model"] = model.ModelId,
        ["device"] = model.Device.ToString().ToLowerInvariant(),
        ["max_batch_size"] = model.MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["num_classes"] = model.NumClasses.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["preprocess"] = $"{model.Preprocess.Preset.ToString().ToLowerInvariant()} {model.Preprocess.Height}x{model.Preprocess.Width} crop_pct {model.Preprocess.CropPct}",
    };
}
