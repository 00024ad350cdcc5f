using System.Text.Json;
using RexNet.Cli.OnnxRuntime;
using RexNet.IO;
using RexNet.Model;
using RexNet.Onnx;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Onnx;

/// <summary>ONNX Runtime running our export of timm's weights must reproduce timm's own logits.</summary>
public class OnnxParityTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, bool> Cases => new()
    {
        { "rexnet_100_b2_224", false },
        { "rexnet_100_b2_224", true },
        { "rexnetr_100_b1_192x160", false },
        { "rexnetr_100_b1_192x160", true },
    };

    internal sealed record ParityCase(ModelSpec Spec, string Weights, int[] Shape, float[] Input, float[] Logits);

    internal static ParityCase Load(string caseName)
    {
        string dir = TestPaths.RequireSharedFolder(Path.Combine(TestPaths.Parity, caseName));
        using var caseJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        var spec = ModelSpec.FromZoo(caseJson.RootElement.GetProperty("model").GetString()!);
        var (shape, input) = NpyFile.ReadFloat32(Path.Combine(dir, "input.npy"));
        var (_, logits) = NpyFile.ReadFloat32(Path.Combine(dir, "logits.npy"));
        return new ParityCase(spec, Path.Combine(dir, "weights.safetensors"), shape, input, logits);
    }

    internal static OnnxModel Export(ParityCase c, bool keepBatchNorm, OnnxExportOptions options)
    {
        if (!keepBatchNorm)
        {
            return OnnxExporter.ExportFolded(WeightLoader.Load(c.Spec, c.Weights), options);
        }
        using var file = SafeTensorsFile.Open(c.Weights);
        return OnnxExporter.ExportWithBatchNorm(c.Spec, file.ReadAllFloat32(), options);
    }

    internal static float[] RunOrt(OnnxModel model, float[] input, int[] shape)
    {
        using var runner = OnnxRuntimeRunner.FromBytes(model.ToBytes(), threads: 1, "test export");
        return runner.Run(input, shape);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntimeMatchesTimm(string caseName, bool keepBatchNorm)
    {
        var c = Load(caseName);
        var model = Export(c, keepBatchNorm, new OnnxExportOptions { Batch = c.Shape[0], Height = c.Shape[2], Width = c.Shape[3] });
        Assert.Equal(keepBatchNorm, model.OpCounts.ContainsKey("BatchNormalization"));
        Compare.Close(RunOrt(model, c.Input, c.Shape), c.Logits, Tolerance, $"{caseName} keep-bn={keepBatchNorm}");
    }

    /// <summary>Every supported opset yields a model ONNX Runtime loads and that still computes timm's function.</summary>
    [Fact]
    public void EverySupportedOpsetMatchesTimm()
    {
        var c = Load("rexnetr_100_b1_192x160");
        for (int opset = OnnxOpsets.Minimum; opset <= OnnxOpsets.Maximum; opset++)
        {
            foreach (bool keep in new[] { false, true })
            {
                var model = Export(c, keep, new OnnxExportOptions { Opset = opset, Dynamic = true });
                Assert.Equal(opset, model.Opset);
                Assert.Equal(OnnxOpsets.IrVersionFor(opset), model.IrVersion);
                Compare.Close(RunOrt(model, c.Input, c.Shape), c.Logits, Tolerance, $"opset {opset} keep-bn={keep}");
            }
        }
    }
}
