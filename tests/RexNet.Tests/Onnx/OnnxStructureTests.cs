using System.Text.Json;
using Google.Protobuf;
using RexNet.Model;
using RexNet.Onnx;
using RexNet.Onnx.Proto;
using RexNet.Weights;

namespace RexNet.Tests.Onnx;

/// <summary>The exported graph is exactly timm's ReXNet, and the validator catches what a broken graph looks like.</summary>
public class OnnxStructureTests
{
    private static readonly ModelSpec Spec = ModelSpec.FromZoo("rexnet_100");
    private static readonly IReadOnlyDictionary<string, TensorData> StateDict =
        RandomInit.Create(Spec, seed: 1).ToDictionary(t => t.Name, StringComparer.Ordinal);

    private static OnnxModel Folded(OnnxExportOptions? options = null) =>
        OnnxExporter.ExportFolded(BatchNormFolding.Fold(Spec, StateDict), options ?? new OnnxExportOptions());

    private static OnnxModel Kept(OnnxExportOptions? options = null) =>
        OnnxExporter.ExportWithBatchNorm(Spec, StateDict, options ?? new OnnxExportOptions());

    /// <summary>A parsed copy of the serialised bytes, so checks see what a reader of the file sees.</summary>
    private static ModelProto Reparsed(OnnxModel model) => ModelProto.Parser.ParseFrom(model.ToBytes());

    [Fact]
    public void SerialisedModelRoundTripsAndValidates()
    {
        foreach (var model in new[] { Folded(), Kept(), Folded(new() { Dynamic = true, Opset = 21 }), Kept(new() { Opset = 11 }) })
        {
            var parsed = Reparsed(model);
            Assert.Equal(model.Proto, parsed);
            Assert.Empty(OnnxModelValidator.Validate(parsed));
        }
    }

    [Fact]
    public void FoldedGraphHasTimmsModulesAndNoBatchNorm()
    {
        var g = Reparsed(Folded()).Graph;
        int convLayers = TimmLayout.ConvLayers(Spec).Count();
        int seBlocks = Spec.Blocks.Count(b => b.HasSe);
        int shortcuts = Spec.Blocks.Count(b => b.UseShortcut);
        int padded = Spec.Blocks.Count(b => b.UseShortcut && b.OutChannels > b.InChannels);
        int silu = 2 + Spec.Blocks.Count(b => b.HasExpand);

        var counts = g.Node.GroupBy(n => n.OpType).ToDictionary(x => x.Key, x => x.Count());
        Assert.Equal(new Dictionary<string, int>
        {
            ["Conv"] = convLayers + 2 * seBlocks,
            ["Sigmoid"] = silu + seBlocks,
            ["Mul"] = silu + seBlocks,
            ["Relu"] = seBlocks,
            ["Clip"] = Spec.Blocks.Count,
            ["GlobalAveragePool"] = seBlocks + 1,
            ["Pad"] = padded,
            ["Add"] = shortcuts,
            ["Flatten"] = 1,
            ["Gemm"] = 1,
        }, counts);
        Assert.Equal(g.Node.Count, g.Node.Select(n => n.Name).Distinct().Count());
    }

    [Fact]
    public void KeptGraphHasOneBatchNormPerTimmBatchNormAndBiasFreeConvs()
    {
        var g = Reparsed(Kept()).Graph;
        int bnCount = TimmLayout.ExpectedTensors(Spec).Count(t => t.Key.EndsWith(".running_var", StringComparison.Ordinal));
        var bns = g.Node.Where(n => n.OpType == "BatchNormalization").ToList();
        Assert.Equal(bnCount, bns.Count);
        Assert.All(bns, n => Assert.Equal(1e-5f, n.Attribute.Single(a => a.Name == "epsilon").F));
        // Convs of ConvNormAct layers carry no bias; only the SE's fc1/fc2 do, as in timm.
        Assert.All(g.Node.Where(n => n.OpType == "Conv"), n => Assert.Equal(n.Name.Contains(".se.fc", StringComparison.Ordinal) ? 3 : 2, n.Input.Count));
        var initializers = g.Initializer.Select(t => t.Name).ToHashSet();
        Assert.All(TimmLayout.ExpectedTensors(Spec), t => Assert.Contains(t.Key, initializers));
    }

    [Fact]
    public void ConvAttributesFollowTimm()
    {
        var g = Reparsed(Folded()).Graph;
        long Attr(NodeProto n, string name) => n.Attribute.SingleOrDefault(a => a.Name == name)?.I ?? 1;
        long[] Ints(NodeProto n, string name) => n.Attribute.Single(a => a.Name == name).Ints.ToArray();
        foreach (var b in Spec.Blocks)
        {
            var dw = g.Node.Single(n => n.Name == $"{b.Prefix}.conv_dw.conv");
            Assert.Equal(b.DwChannels, Attr(dw, "group"));
            Assert.Equal([1L, 1, 1, 1], Ints(dw, "pads"));
            Assert.Equal([b.Stride, (long)b.Stride], Ints(dw, "strides"));
            var pwl = g.Node.Single(n => n.Name == $"{b.Prefix}.conv_pwl.conv");
            Assert.Equal([0L, 0, 0, 0], Ints(pwl, "pads"));
            Assert.Equal(1, Attr(pwl, "group"));
        }
        var stem = g.Node.Single(n => n.Name == "stem.conv");
        Assert.Equal([2L, 2], Ints(stem, "strides"));
        Assert.Equal([1L, 1, 1, 1], Ints(stem, "pads"));
        var gemm = g.Node.Single(n => n.OpType == "Gemm");
        Assert.Equal(1, gemm.Attribute.Single(a => a.Name == "transB").I);
        // ReLU6 is Clip with min/max as scalar inputs 0 and 6.
        var clip = g.Node.First(n => n.OpType == "Clip");
        var bounds = clip.Input.Skip(1).Select(name => g.Initializer.Single(t => t.Name == name)).ToList();
        Assert.All(bounds, t => Assert.Empty(t.Dims));
        Assert.Equal([0f, 6f], bounds.Select(t => BitConverter.ToSingle(t.RawData.Span)).ToArray());
    }

    [Fact]
    public void InputAndOutputAreNamedAndShapedAsDocumented()
    {
        static string Dims(ValueInfoProto v) =>
            string.Join(",", v.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : d.DimValue.ToString()));

        var fixedGraph = Reparsed(Folded(new() { Batch = 4, Height = 192, Width = 160 })).Graph;
        Assert.Equal("input", Assert.Single(fixedGraph.Input).Name);
        Assert.Equal("4,3,192,160", Dims(fixedGraph.Input[0]));
        Assert.Equal("logits", Assert.Single(fixedGraph.Output).Name);
        Assert.Equal("4,1000", Dims(fixedGraph.Output[0]));
        Assert.Equal((int)TensorProto.Types.DataType.Float, fixedGraph.Input[0].Type.TensorType.ElemType);

        var dynamicGraph = Reparsed(Folded(new() { Dynamic = true })).Graph;
        Assert.Equal("batch,3,height,width", Dims(dynamicGraph.Input[0]));
        Assert.Equal("batch,1000", Dims(dynamicGraph.Output[0]));
    }

    [Fact]
    public void MetadataNamesModelPreprocessingAndLabels()
    {
        var without = Folded().Metadata;
        Assert.Equal("rexnet_100", without["rexnet.model"]);
        Assert.Equal("1000", without["rexnet.num_classes"]);
        // Without explicit labels, a 1000-class export embeds the shipped ImageNet names.
        using (var shipped = JsonDocument.Parse(without["rexnet.class_labels"]))
        {
            Assert.Equal(RexNet.Imaging.ImageNetClasses.Labels, shipped.RootElement.EnumerateArray().Select(e => e.GetString()));
        }
        Assert.False(without.ContainsKey("rexnet.class_labels_status"));
        using (var pre = JsonDocument.Parse(without["rexnet.preprocessing"]))
        {
            Assert.Equal(0.875, pre.RootElement.GetProperty("crop_pct").GetDouble());
            Assert.Equal("bicubic", pre.RootElement.GetProperty("interpolation").GetString());
            Assert.Equal([0.485, 0.456, 0.406], pre.RootElement.GetProperty("mean").EnumerateArray().Select(e => e.GetDouble()));
        }

        var rexnetr = OnnxExporter.ExportFolded(RandomInit.CreateFolded(ModelSpec.FromZoo("rexnetr_200"), 1), new OnnxExportOptions { Dynamic = true }).Metadata;
        using (var pre = JsonDocument.Parse(rexnetr["rexnet.preprocessing"]))
        {
            // timm's eval settings for rexnetr_200.sw_in12k_ft_in1k.
            Assert.Equal([3, 288, 288], pre.RootElement.GetProperty("input_size").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(1.0, pre.RootElement.GetProperty("crop_pct").GetDouble());
        }

        var labels = Enumerable.Range(0, 1000).Select(i => $"class \"{i}\" é").ToArray();
        var with = Kept(new() { ClassLabels = labels }).Metadata;
        Assert.Equal(labels, JsonSerializer.Deserialize<string[]>(with["rexnet.class_labels"]));
        Assert.False(with.ContainsKey("rexnet.class_labels_status"));

        var e = Assert.Throws<RexNetException>(() => Folded(new() { ClassLabels = ["one", "two"] }));
        Assert.Contains("2 class labels", e.Message);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(22)]
    public void UnsupportedOpsetIsRefused(int opset)
    {
        var e = Assert.Throws<RexNetException>(() => Folded(new() { Opset = opset }));
        Assert.Contains($"opset {opset} is not supported", e.Message);
    }

    [Fact]
    public void MismatchedStateDictIsRefused()
    {
        var wrong = RandomInit.Create(ModelSpec.FromZoo("rexnet_130"), seed: 1).ToDictionary(t => t.Name, StringComparer.Ordinal);
        Assert.Throws<WeightMismatchException>(() => OnnxExporter.ExportWithBatchNorm(Spec, wrong, new OnnxExportOptions()));
    }

    /// <summary>Each corruption must be reported by the validator with a message naming the problem.</summary>
    public static TheoryData<string, string> Corruptions => new()
    {
        { "swapped conv weight dims", "input channels" },
        { "input used before it is produced", "not a graph input, an initializer or an earlier node's output" },
        { "duplicate node name", "node name is used twice" },
        { "no opset", "no opset is declared" },
        { "no logits output", "graph output 'logits' is missing" },
        { "unused initializer", "is never used" },
        { "short initializer", "bytes but dims" },
        { "bias of the wrong length", "Conv bias has shape" },
        { "op outside the opset table", "is not one the exporter emits" },
        { "IR version too old", "IR version 3 is too old" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void ValidatorReportsCorruption(string corruption, string expected)
    {
        var m = Reparsed(Folded());
        var g = m.Graph;
        TensorProto Init(string name) => g.Initializer.Single(t => t.Name == name);
        switch (corruption)
        {
            case "swapped conv weight dims":
                var w = Init("features.5.conv_pwl.conv.weight");
                (w.Dims[0], w.Dims[1]) = (w.Dims[1], w.Dims[0]);
                break;
            case "input used before it is produced":
                var last = g.Node[^1];
                g.Node.RemoveAt(g.Node.Count - 1);
                g.Node.Insert(0, last);
                break;
            case "duplicate node name":
                g.Node[3].Name = g.Node[2].Name;
                break;
            case "no opset":
                m.OpsetImport.Clear();
                break;
            case "no logits output":
                g.Output[0].Name = "scores";
                break;
            case "unused initializer":
                g.Initializer.Add(new TensorProto { Name = "spare", DataType = 1, RawData = ByteString.CopyFrom(new byte[4]) });
                break;
            case "short initializer":
                var s = Init("stem.conv.weight");
                s.RawData = ByteString.CopyFrom(s.RawData.Span[..^4]);
                break;
            case "bias of the wrong length":
                var b = Init("features.2.conv_exp.conv.bias");
                b.Dims[0] -= 1;
                b.RawData = ByteString.CopyFrom(b.RawData.Span[..^4]);
                break;
            case "op outside the opset table":
                g.Node.Single(n => n.OpType == "Flatten").OpType = "Reshape";
                break;
            case "IR version too old":
                m.IrVersion = 3;
                break;
        }
        var problems = OnnxModelValidator.Validate(m);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
