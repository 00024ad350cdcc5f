using RexNet.Onnx.Proto;

namespace RexNet.Onnx;

/// <summary>
/// Structural checks on an ONNX model built from the ops the exporter uses: opset and IR version declared,
/// every node input produced before use, unique node and value names, initializer sizes consistent with their
/// dims, and shapes propagated node by node so that a weight whose dims do not fit its input is caught here
/// rather than by whichever runtime loads the file.
/// </summary>
internal static class OnnxModelValidator
{
    /// <summary>Every problem found, in graph order; empty when the model is sound.</summary>
    public static IReadOnlyList<string> Validate(ModelProto model)
    {
        var problems = new List<string>();
        var opsetEntry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (opsetEntry is null)
        {
            problems.Add("no opset is declared for the default ONNX domain");
        }
        int opset = (int)(opsetEntry?.Version ?? 0);
        if (opsetEntry is not null && (opset < OnnxOpsets.Minimum || opset > OnnxOpsets.Maximum))
        {
            problems.Add($"declared opset {opset} is outside [{OnnxOpsets.Minimum}, {OnnxOpsets.Maximum}]");
        }
        else if (opsetEntry is not null && model.IrVersion < OnnxOpsets.IrVersionFor(opset))
        {
            problems.Add($"IR version {model.IrVersion} is too old for opset {opset} (needs {OnnxOpsets.IrVersionFor(opset)})");
        }
        if (model.Graph is null)
        {
            problems.Add("the model has no graph");
            return problems;
        }
        new GraphCheck(model.Graph, opset, problems).Run();
        return problems;
    }

    /// <summary>Throws when <see cref="Validate"/> finds anything; the message lists the first few problems.</summary>
    public static void EnsureValid(ModelProto model)
    {
        var problems = Validate(model);
        if (problems.Count > 0)
        {
            string more = problems.Count > 5 ? $" (and {problems.Count - 5} more)" : "";
            throw new InvalidOperationException($"exported ONNX graph is invalid: {string.Join("; ", problems.Take(5))}{more}");
        }
    }

    /// <summary>A shape with unknown (symbolic) dimensions as null.</summary>
    private sealed record Shape(long?[] Dims)
    {
        public int Rank => Dims.Length;
        public override string ToString() => "[" + string.Join(", ", Dims.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")) + "]";
    }

    private sealed class GraphCheck(GraphProto graph, int opset, List<string> problems)
    {
        private readonly Dictionary<string, Shape> _shapes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public void Run()
        {
            CheckInitializers();
            CheckInputs();
            var nodeNames = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < graph.Node.Count; i++)
            {
                var node = graph.Node[i];
                string where = $"node {i} '{node.Name}' ({node.OpType})";
                if (string.IsNullOrEmpty(node.Name))
                {
                    problems.Add($"node {i} ({node.OpType}) has no name");
                }
                else if (!nodeNames.Add(node.Name))
                {
                    problems.Add($"{where}: the node name is used twice");
                }
                CheckNode(node, where);
            }
            CheckOutputs();
            foreach (var name in _initializers.Keys.Where(n => !_used.Contains(n)))
            {
                problems.Add($"initializer '{name}' is never used");
            }
        }

        private void CheckInitializers()
        {
            foreach (var t in graph.Initializer)
            {
                if (string.IsNullOrEmpty(t.Name) || !_initializers.TryAdd(t.Name, t))
                {
                    problems.Add($"initializer '{t.Name}' has an empty or repeated name");
                    continue;
                }
                int elementSize = t.DataType switch
                {
                    (int)TensorProto.Types.DataType.Float => sizeof(float),
                    (int)TensorProto.Types.DataType.Int64 => sizeof(long),
                    _ => 0,
                };
                if (elementSize == 0)
                {
                    problems.Add($"initializer '{t.Name}' has data type {t.DataType}, not FLOAT or INT64");
                    continue;
                }
                long count = t.Dims.Aggregate(1L, (a, d) => a * d);
                if (t.Dims.Any(d => d < 0) || t.RawData.Length != count * elementSize)
                {
                    problems.Add($"initializer '{t.Name}' holds {t.RawData.Length} bytes but dims [{string.Join(", ", t.Dims)}] need {count * elementSize}");
                }
                _shapes[t.Name] = new Shape(t.Dims.Select(d => (long?)d).ToArray());
            }
        }

        private void CheckInputs()
        {
            foreach (var input in graph.Input)
            {
                var tensor = input.Type?.TensorType;
                if (tensor is null || tensor.ElemType != (int)TensorProto.Types.DataType.Float)
                {
                    problems.Add($"graph input '{input.Name}' is not a float32 tensor");
                }
                if (!_shapes.TryAdd(input.Name, Declared(input)))
                {
                    problems.Add($"graph input '{input.Name}' is also an initializer or repeated");
                }
            }
            var image = graph.Input.FirstOrDefault(i => i.Name == RexNetOnnxGraph.InputName);
            if (image is null)
            {
                problems.Add($"graph input '{RexNetOnnxGraph.InputName}' is missing");
            }
            else if (Declared(image) is { } s && (s.Rank != 4 || s.Dims[1] != 3))
            {
                problems.Add($"graph input '{image.Name}' has shape {s}, expected [batch, 3, height, width]");
            }
        }

        private void CheckOutputs()
        {
            if (graph.Output.All(o => o.Name != RexNetOnnxGraph.OutputName))
            {
                problems.Add($"graph output '{RexNetOnnxGraph.OutputName}' is missing");
            }
            foreach (var output in graph.Output)
            {
                if (!_shapes.TryGetValue(output.Name, out var computed) || _initializers.ContainsKey(output.Name))
                {
                    problems.Add($"graph output '{output.Name}' is not produced by any node");
                    continue;
                }
                var declared = Declared(output);
                if (!Compatible(declared, computed))
                {
                    problems.Add($"graph output '{output.Name}' is declared {declared} but the graph computes {computed}");
                }
            }
        }

        private void CheckNode(NodeProto node, string where)
        {
            if (!OnnxOpsets.FirstUsableOpset.TryGetValue(node.OpType, out int since) || node.Domain is not ("" or "ai.onnx"))
            {
                problems.Add($"{where}: op {node.Domain}.{node.OpType} is not one the exporter emits");
                return;
            }
            if (opset < since)
            {
                problems.Add($"{where}: needs opset {since}, the model declares {opset}");
            }
            var inputs = new List<Shape>();
            foreach (var name in node.Input)
            {
                if (!_shapes.TryGetValue(name, out var s))
                {
                    problems.Add($"{where}: input '{name}' is not a graph input, an initializer or an earlier node's output");
                    return;
                }
                _used.Add(name);
                inputs.Add(s);
            }
            if (node.Output.Count != 1 || string.IsNullOrEmpty(node.Output[0]))
            {
                problems.Add($"{where}: expected exactly one named output");
                return;
            }
            Shape? result;
            try
            {
                result = Infer(node, inputs);
            }
            catch (ShapeException e)
            {
                problems.Add($"{where}: {e.Message}");
                return;
            }
            if (!_shapes.TryAdd(node.Output[0], result))
            {
                problems.Add($"{where}: output '{node.Output[0]}' is already defined");
            }
        }

        private sealed class ShapeException(string message) : Exception(message);

        private Shape Infer(NodeProto node, List<Shape> x)
        {
            switch (node.OpType)
            {
                case "Conv":
                    return InferConv(node, x);
                case "BatchNormalization":
                    Arity(x, 5);
                    for (int i = 1; i < 5; i++)
                    {
                        Expect(x[i], [x[0].Dims[1]], $"BatchNormalization parameter {i}");
                    }
                    return x[0];
                case "Sigmoid" or "Relu":
                    Arity(x, 1);
                    return x[0];
                case "Clip":
                    Arity(x, 3);
                    Expect(x[1], [], "Clip min");
                    Expect(x[2], [], "Clip max");
                    return x[0];
                case "Mul" or "Add":
                    Arity(x, 2);
                    return Broadcast(x[0], x[1]);
                case "GlobalAveragePool":
                    Arity(x, 1);
                    return new Shape([x[0].Dims[0], x[0].Dims[1], .. Enumerable.Repeat<long?>(1, x[0].Rank - 2)]);
                case "Pad":
                    return InferPad(node, x);
                case "Flatten":
                    Arity(x, 1);
                    int axis = (int)IntAttribute(node, "axis", 1);
                    return new Shape([Product(x[0].Dims[..axis]), Product(x[0].Dims[axis..])]);
                case "Gemm":
                    return InferGemm(node, x);
                default:
                    throw new ShapeException($"no shape rule for {node.OpType}");
            }
        }

        private static Shape InferConv(NodeProto node, List<Shape> x)
        {
            if (x.Count is not (2 or 3))
            {
                throw new ShapeException($"Conv takes 2 or 3 inputs, got {x.Count}");
            }
            var (input, w) = (x[0], x[1]);
            if (input.Rank != 4 || w.Rank != 4)
            {
                throw new ShapeException($"Conv input {input} and weight {w} must both be rank 4");
            }
            long group = IntAttribute(node, "group", 1);
            if (input.Dims[1] is { } c && w.Dims[1] is { } perGroup && c != perGroup * group)
            {
                throw new ShapeException($"weight {w} with group {group} expects {perGroup * group} input channels, the input has {c}");
            }
            if (w.Dims[0] is { } m && m % group != 0)
            {
                throw new ShapeException($"{m} output channels do not divide into {group} groups");
            }
            if (x.Count == 3)
            {
                Expect(x[2], [w.Dims[0]], "Conv bias");
            }
            long[] kernel = IntsAttribute(node, "kernel_shape") ?? [w.Dims[2] ?? 0, w.Dims[3] ?? 0];
            if (kernel.Length != 2 || kernel[0] != w.Dims[2] || kernel[1] != w.Dims[3])
            {
                throw new ShapeException($"kernel_shape [{string.Join(", ", kernel)}] does not match weight {w}");
            }
            long[] strides = IntsAttribute(node, "strides") ?? [1, 1];
            long[] pads = IntsAttribute(node, "pads") ?? [0, 0, 0, 0];
            long? Out(long? size, int axis) => size is { } s ? (s + pads[axis] + pads[axis + 2] - kernel[axis]) / strides[axis] + 1 : null;
            return new Shape([input.Dims[0], w.Dims[0], Out(input.Dims[2], 0), Out(input.Dims[3], 1)]);
        }

        private Shape InferPad(NodeProto node, List<Shape> x)
        {
            if (x.Count is not (2 or 3))
            {
                throw new ShapeException($"Pad takes 2 or 3 inputs, got {x.Count}");
            }
            int rank = x[0].Rank;
            Expect(x[1], [2 * rank], "Pad pads");
            if (!_initializers.TryGetValue(node.Input[1], out var padsTensor) || padsTensor.DataType != (int)TensorProto.Types.DataType.Int64)
            {
                throw new ShapeException("pads must be an INT64 initializer");
            }
            var pads = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(padsTensor.RawData.Span);
            if (pads.Length != 2 * rank)
            {
                throw new ShapeException($"pads holds {pads.Length} values, expected {2 * rank}");
            }
            var dims = new long?[rank];
            for (int i = 0; i < rank; i++)
            {
                dims[i] = x[0].Dims[i] + pads[i] + pads[i + rank];
            }
            return new Shape(dims);
        }

        private static Shape InferGemm(NodeProto node, List<Shape> x)
        {
            if (x.Count is not (2 or 3) || x[0].Rank != 2 || x[1].Rank != 2)
            {
                throw new ShapeException("Gemm takes rank-2 A and B and an optional C");
            }
            bool transB = IntAttribute(node, "transB", 0) != 0;
            long? k = x[1].Dims[transB ? 1 : 0], n = x[1].Dims[transB ? 0 : 1];
            if (x[0].Dims[1] is { } ka && k is { } kb && ka != kb)
            {
                throw new ShapeException($"A {x[0]} and B {x[1]} (transB={transB}) disagree on the inner dimension");
            }
            if (x.Count == 3)
            {
                Expect(x[2], [n], "Gemm C");
            }
            return new Shape([x[0].Dims[0], n]);
        }

        private static Shape Broadcast(Shape a, Shape b)
        {
            if (a.Rank != b.Rank)
            {
                throw new ShapeException($"operands {a} and {b} have different ranks");
            }
            var dims = new long?[a.Rank];
            for (int i = 0; i < a.Rank; i++)
            {
                (long? p, long? q) = (a.Dims[i], b.Dims[i]);
                if (p is { } u && q is { } v && u != v && u != 1 && v != 1)
                {
                    throw new ShapeException($"operands {a} and {b} do not broadcast");
                }
                dims[i] = p == 1 ? q : q == 1 ? p : p ?? q;
            }
            return new Shape(dims);
        }

        private static void Arity(List<Shape> x, int n)
        {
            if (x.Count != n)
            {
                throw new ShapeException($"expected {n} inputs, got {x.Count}");
            }
        }

        private static void Expect(Shape actual, long?[] expected, string what)
        {
            if (!Compatible(new Shape(expected), actual))
            {
                throw new ShapeException($"{what} has shape {actual}, expected {new Shape(expected)}");
            }
        }

        private static long? Product(long?[] dims) =>
            dims.Aggregate((long?)1, (a, d) => a is { } p && d is { } q ? p * q : null);

        private static long IntAttribute(NodeProto node, string name, long fallback) =>
            node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

        private static long[]? IntsAttribute(NodeProto node, string name) =>
            node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray();
    }

    private static Shape Declared(ValueInfoProto value) =>
        new(value.Type?.TensorType?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null).ToArray() ?? []);

    /// <summary>Same rank, and equal wherever both sides know the size.</summary>
    private static bool Compatible(Shape a, Shape b) =>
        a.Rank == b.Rank && a.Dims.Zip(b.Dims).All(p => p.First is null || p.Second is null || p.First == p.Second);
}
