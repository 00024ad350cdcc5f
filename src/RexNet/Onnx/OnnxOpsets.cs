namespace RexNet.Onnx;

/// <summary>
/// Which ONNX opsets the exporter writes, and the IR version each one needs. Every op the graph uses is
/// listed with the first opset whose signature matches how we call it, so an opset below that is refused
/// instead of written wrong.
/// </summary>
internal static class OnnxOpsets
{
    /// <summary>Clip's min/max and Pad's pads became inputs in opset 11; before that our nodes would be invalid.</summary>
    public const int Minimum = 11;

    /// <summary>The highest opset this exporter has been checked against (ONNX 1.16). Nothing we use changed
    /// meaning up to here; SiLU has no op of its own until Swish in opset 24, so it stays x * Sigmoid(x).</summary>
    public const int Maximum = 21;

    public const int Default = 17;

    /// <summary>The first opset at which each op we emit takes the inputs and attributes we give it.</summary>
    public static IReadOnlyDictionary<string, int> FirstUsableOpset { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["Conv"] = 1,
        ["BatchNormalization"] = 9, // no 'spatial' attribute from 9 on
        ["Sigmoid"] = 6,
        ["Mul"] = 7,
        ["Add"] = 7,
        ["Relu"] = 6,
        ["Clip"] = 11,              // min and max as inputs
        ["Pad"] = 11,               // pads as an input
        ["GlobalAveragePool"] = 1,
        ["Flatten"] = 9,
        ["Gemm"] = 11,              // C optional and broadcast without the 'broadcast' attribute
    };

    /// <summary>The lowest IR version a model importing <paramref name="opset"/> must declare (ONNX's versioning table).</summary>
    public static long IrVersionFor(int opset) => opset switch
    {
        11 => 6,
        12 or 13 or 14 => 7,
        >= 15 and <= 18 => 8,
        19 or 20 => 9,
        21 => 10,
        _ => throw new ArgumentOutOfRangeException(nameof(opset), opset, $"opset must be in [{Minimum}, {Maximum}]"),
    };

    public static void Validate(int opset)
    {
        if (opset < Minimum || opset > Maximum)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"opset {opset} is not supported: choose one in [{Minimum}, {Maximum}] (default {Default})");
        }
    }
}
