using RexNet.Model;
using RexNet.Weights;
using static RexNet.Onnx.OnnxGraphBuilder;

namespace RexNet.Onnx;

/// <summary>
/// Emits timm's ReXNet forward pass as ONNX nodes, module by module:
/// stem ConvNormAct(SiLU); per bottleneck [conv_exp ConvNormAct(SiLU)], conv_dw ConvNorm, [SE], ReLU6,
/// conv_pwl ConvNorm, [partial shortcut]; the final ConvNormAct(SiLU); global average pool, Flatten, Gemm.
/// </summary>
internal static class RexNetOnnxGraph
{
    public const string InputName = "input";
    public const string OutputName = "logits";

    public static OnnxGraphBuilder Build(ModelSpec spec, ILayerWeights weights, OnnxExportOptions options)
    {
        var g = new OnnxGraphBuilder(spec.Name, options.Opset);
        Dimension batch = options.Dynamic ? Dimension.Named("batch") : options.Batch;
        Dimension height = options.Dynamic ? Dimension.Named("height") : options.Height;
        Dimension width = options.Dynamic ? Dimension.Named("width") : options.Width;
        string x = g.AddInput(InputName, batch, ModelSpec.InputChannels, height, width);

        // ReLU6's bounds are shared by every Clip node.
        string relu6Min = g.Initializer("relu6.min", [0f]);
        string relu6Max = g.Initializer("relu6.max", [6f]);

        x = ConvNorm(g, weights, x, new TimmConvLayer("stem", spec.StemChannels, ModelSpec.InputChannels, 3), stride: 2, groups: 1);
        x = Silu(g, x, "stem.act");

        foreach (var b in spec.Blocks)
        {
            string p = b.Prefix;
            string shortcut = x;
            if (b.HasExpand)
            {
                x = ConvNorm(g, weights, x, new TimmConvLayer($"{p}.conv_exp", b.DwChannels, b.InChannels, 1), 1, 1);
                x = Silu(g, x, $"{p}.conv_exp.act");
            }
            x = ConvNorm(g, weights, x, new TimmConvLayer($"{p}.conv_dw", b.DwChannels, 1, 3), b.Stride, groups: b.DwChannels);
            if (b.HasSe)
            {
                x = SqueezeExcite(g, weights, x, $"{p}.se", b.DwChannels, b.SeChannels);
            }
            x = g.Node("Clip", $"{p}.act_dw", $"{p}.act_dw", [x, relu6Min, relu6Max]);
            x = ConvNorm(g, weights, x, new TimmConvLayer($"{p}.conv_pwl", b.OutChannels, b.DwChannels, 1), 1, 1);
            if (b.UseShortcut)
            {
                x = PartialShortcut(g, x, shortcut, p, b.InChannels, b.OutChannels);
            }
        }

        string pen = spec.PenultimatePrefix;
        x = ConvNorm(g, weights, x, new TimmConvLayer(pen, spec.PenultimateChannels, spec.Blocks[^1].OutChannels, 1), 1, 1);
        x = Silu(g, x, $"{pen}.act");

        x = g.Node("GlobalAveragePool", "head.global_pool", "head.global_pool", [x]);
        x = g.Node("Flatten", "head.flatten", "head.flatten", [x], Int("axis", 1));
        var (fcW, fcB) = weights.Classifier();
        string w = g.Initializer("head.fc.weight", fcW, spec.NumClasses, spec.PenultimateChannels);
        string bias = g.Initializer("head.fc.bias", fcB, spec.NumClasses);
        g.Node("Gemm", "head.fc", OutputName, [x, w, bias], Int("transB", 1));
        g.AddOutput(OutputName, batch, spec.NumClasses);
        return g;
    }

    /// <summary>A conv (padding k/2, as timm pads 3x3 and 1x1) followed by its BatchNorm unless that is folded in.</summary>
    private static string ConvNorm(OnnxGraphBuilder g, ILayerWeights weights, string x, TimmConvLayer layer, int stride, int groups)
    {
        var (weight, bias) = weights.Conv(layer);
        var inputs = new List<string> { x, g.Initializer(layer.WeightKey, weight, layer.WeightShape.Select(d => (long)d).ToArray()) };
        if (bias is not null)
        {
            inputs.Add(g.Initializer($"{layer.Prefix}.conv.bias", bias, layer.OutChannels));
        }
        int pad = layer.Kernel / 2;
        x = g.Node("Conv", $"{layer.Prefix}.conv", $"{layer.Prefix}.conv", inputs,
            Ints("kernel_shape", layer.Kernel, layer.Kernel), Ints("strides", stride, stride),
            Ints("pads", pad, pad, pad, pad), Int("group", groups));
        return Norm(g, weights, x, layer.BnPrefix, layer.OutChannels);
    }

    private static string Norm(OnnxGraphBuilder g, ILayerWeights weights, string x, string bnPrefix, int channels)
    {
        if (weights.Norm(bnPrefix) is not { } bn)
        {
            return x;
        }
        return g.Node("BatchNormalization", bnPrefix, bnPrefix,
            [
                x,
                g.Initializer($"{bnPrefix}.weight", bn.Scale, channels),
                g.Initializer($"{bnPrefix}.bias", bn.Bias, channels),
                g.Initializer($"{bnPrefix}.running_mean", bn.Mean, channels),
                g.Initializer($"{bnPrefix}.running_var", bn.Variance, channels),
            ],
            Float("epsilon", (float)BatchNormFolding.Epsilon));
    }

    /// <summary>SiLU as x * Sigmoid(x): ONNX has no SiLU op, and Swish arrives only in opset 24.</summary>
    private static string Silu(OnnxGraphBuilder g, string x, string name)
    {
        string s = g.Node("Sigmoid", $"{name}.sigmoid", $"{name}.sigmoid", [x]);
        return g.Node("Mul", name, name, [x, s]);
    }

    /// <summary>timm's SE with norm: mean over H and W, fc1 (1x1 conv), BN, ReLU, fc2, sigmoid gate, x * gate.</summary>
    private static string SqueezeExcite(OnnxGraphBuilder g, ILayerWeights weights, string x, string p, int channels, int reduced)
    {
        string s = g.Node("GlobalAveragePool", $"{p}.pool", $"{p}.pool", [x]);
        var (w1, b1) = weights.SeReduce(p);
        s = g.Node("Conv", $"{p}.fc1", $"{p}.fc1",
            [s, g.Initializer($"{p}.fc1.weight", w1, reduced, channels, 1, 1), g.Initializer($"{p}.fc1.bias", b1, reduced)],
            Ints("kernel_shape", 1, 1));
        s = Norm(g, weights, s, $"{p}.bn", reduced);
        s = g.Node("Relu", $"{p}.act", $"{p}.act", [s]);
        var (w2, b2) = weights.SeExpand(p);
        s = g.Node("Conv", $"{p}.fc2", $"{p}.fc2",
            [s, g.Initializer($"{p}.fc2.weight", w2, channels, reduced, 1, 1), g.Initializer($"{p}.fc2.bias", b2, channels)],
            Ints("kernel_shape", 1, 1));
        s = g.Node("Sigmoid", $"{p}.gate", $"{p}.gate", [s]);
        return g.Node("Mul", p, p, [x, s]);
    }

    /// <summary>
    /// timm adds the block input to the first in_chs output channels only. The shortcut is zero-padded
    /// along channels to out_chs and added whole: two nodes instead of Slice, Slice, Add and Concat, and
    /// exact, because the channels past in_chs get y + 0 = y.
    /// </summary>
    private static string PartialShortcut(OnnxGraphBuilder g, string y, string shortcut, string p, int inChannels, int outChannels)
    {
        if (outChannels > inChannels)
        {
            string pads = g.Int64Initializer($"{p}.shortcut.pads", [0, 0, 0, 0, 0, outChannels - inChannels, 0, 0], 8);
            shortcut = g.Node("Pad", $"{p}.shortcut.pad", $"{p}.shortcut.pad", [shortcut, pads]);
        }
        return g.Node("Add", $"{p}.shortcut.add", $"{p}.shortcut.add", [y, shortcut]);
    }
}
