using System.Runtime.InteropServices;
using Google.Protobuf;
using RexNet.Onnx.Proto;

namespace RexNet.Onnx;

/// <summary>
/// Appends nodes and initializers to a <see cref="GraphProto"/> in topological order, refusing duplicate
/// names and any op the chosen opset does not have in the form we use.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);

    public GraphProto Graph { get; } = new();
    public int Opset { get; }
    public long ParameterCount { get; private set; }

    public OnnxGraphBuilder(string name, int opset)
    {
        OnnxOpsets.Validate(opset);
        Graph.Name = name;
        Opset = opset;
    }

    public string AddInput(string name, params Dimension[] dims)
    {
        ClaimValueName(name);
        Graph.Input.Add(ValueInfo(name, dims));
        return name;
    }

    /// <summary>Declares a value some node already produces as a graph output.</summary>
    public void AddOutput(string name, params Dimension[] dims)
    {
        if (!_valueNames.Contains(name))
        {
            throw new InvalidOperationException($"graph output '{name}' is not produced by any node");
        }
        Graph.Output.Add(ValueInfo(name, dims));
    }

    /// <summary>A float32 constant stored as little-endian raw bytes.</summary>
    public string Initializer(string name, ReadOnlySpan<float> data, params long[] dims)
    {
        CheckCount(name, data.Length, dims);
        ParameterCount += data.Length;
        return AddInitializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(data), dims);
    }

    /// <summary>An int64 constant (Pad's pads), stored as little-endian raw bytes.</summary>
    public string Int64Initializer(string name, ReadOnlySpan<long> data, params long[] dims)
    {
        CheckCount(name, data.Length, dims);
        return AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(data), dims);
    }

    /// <summary>Adds a node with one output named <paramref name="output"/> and returns that name.</summary>
    public string Node(string opType, string name, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        if (!OnnxOpsets.FirstUsableOpset.TryGetValue(opType, out int since))
        {
            throw new InvalidOperationException($"op {opType} is not in the exporter's opset table");
        }
        if (Opset < since)
        {
            throw new InvalidOperationException($"op {opType} needs opset {since} or later; opset {Opset} was chosen");
        }
        if (!_nodeNames.Add(name))
        {
            throw new InvalidOperationException($"node name '{name}' is used twice");
        }
        ClaimValueName(output);
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A tensor dimension: a fixed size, or a symbol when the size is chosen at run time.</summary>
    public readonly record struct Dimension(long Value, string? Symbol)
    {
        public static implicit operator Dimension(long value) => new(value, null);
        public static Dimension Named(string symbol) => new(0, symbol);
    }

    private string AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            // raw_data is little-endian by the specification; the bytes here are the host's.
            throw new PlatformNotSupportedException("ONNX export writes raw_data from memory and needs a little-endian host");
        }
        ClaimValueName(name);
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        Graph.Initializer.Add(t);
        return name;
    }

    private void ClaimValueName(string name)
    {
        if (!_valueNames.Add(name))
        {
            throw new InvalidOperationException($"value name '{name}' is produced twice");
        }
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        long expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != count)
        {
            throw new InvalidOperationException($"initializer '{name}' has {count} elements but dims [{string.Join(", ", dims)}] need {expected}");
        }
    }

    private static ValueInfoProto ValueInfo(string name, Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d.Symbol is null
                ? new TensorShapeProto.Types.Dimension { DimValue = d.Value }
                : new TensorShapeProto.Types.Dimension { DimParam = d.Symbol });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
