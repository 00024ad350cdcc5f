using System.Text.Json;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Parity;

/// <summary>The CPU engine against timm's own outputs in ../shared/parity, end to end and stage by stage.</summary>
public class TimmParityTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Cases => ["rexnet_100_b2_224", "rexnetr_100_b1_192x160"];

    private static (RexNetEngine Engine, float[] Input, string Dir) Open(string caseName)
    {
        string dir = TestPaths.RequireSharedFolder(Path.Combine(TestPaths.Parity, caseName));
        using var caseJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        var root = caseJson.RootElement;
        var (shape, input) = NpyFile.ReadFloat32(Path.Combine(dir, "input.npy"));
        Assert.Equal([root.GetProperty("batch").GetInt32(), 3, root.GetProperty("height").GetInt32(), root.GetProperty("width").GetInt32()], shape);
        var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = root.GetProperty("model").GetString()!,
            Weights = Path.Combine(dir, "weights.safetensors"),
            Device = DeviceKind.Cpu,
            MaxBatch = shape[0], Height = shape[2], Width = shape[3],
        });
        return (engine, input, dir);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogitsMatchTimm(string caseName)
    {
        var (engine, input, dir) = Open(caseName);
        using (engine)
        {
            var (_, expected) = NpyFile.ReadFloat32(Path.Combine(dir, "logits.npy"));
            var logits = new float[expected.Length];
            engine.Run(input, logits);
            Compare.Close(logits, expected, Tolerance, $"{caseName} logits");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryStageMatchesTimm(string caseName)
    {
        var (engine, input, dir) = Open(caseName);
        using (engine)
        using (var reference = SafeTensorsFile.Open(Path.Combine(dir, "activations.safetensors")))
        {
            var seen = new List<string>();
            string? firstDivergent = null;
            string detail = "";
            engine.RunWithStages(input, (stage, shape, values) =>
            {
                seen.Add(stage);
                var expected = reference.ReadFloat32(stage);
                var r = Compare.Measure(values, expected, Tolerance);
                if (firstDivergent is null && r.FirstBadIndex >= 0)
                {
                    firstDivergent = stage;
                    detail = $"{shape}: {r}";
                }
            });
            Assert.True(firstDivergent is null, $"{caseName}: first divergent stage is {firstDivergent} {detail}");
            Assert.Equal(reference.Entries.Select(e => e.Name).Order(), seen.Order());
        }
    }
}
