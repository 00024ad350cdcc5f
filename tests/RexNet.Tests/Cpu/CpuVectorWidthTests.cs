using System.Text.Json;
using RexNet.Cpu;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cpu;

/// <summary>
/// The whole CPU engine at each vector width, forced: Vector128 is the path linux-arm64 runs (AdvSimd), so
/// running it here on x64 keeps that path tested in every CI run, against timm and against the other widths.
/// </summary>
public class CpuVectorWidthTests
{
    private static readonly FoldedModel Small = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnetr_100"), seed: 5);

    private static CpuBackend Backend(FoldedModel model, VectorIsa isa, int maxBatch, int h, int w, int threads) =>
        new(model, new EngineOptions { FoldedWeights = model, Device = DeviceKind.Cpu, MaxBatch = maxBatch, Height = h, Width = w, Threads = threads }, isa);

    public static TheoryData<string, string> ParityCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string isa in IsaCases.Names)
        {
            data.Add(isa, "rexnet_100_b2_224");
            data.Add(isa, "rexnetr_100_b1_192x160");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ParityCases))]
    public void LogitsMatchTimmAtEveryWidth(string isaName, string caseName)
    {
        var isa = IsaCases.Accelerated(isaName);
        string dir = TestPaths.RequireSharedFolder(Path.Combine(TestPaths.Parity, caseName));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        var spec = ModelSpec.FromZoo(json.RootElement.GetProperty("model").GetString()!);
        var model = WeightLoader.Load(spec, Path.Combine(dir, "weights.safetensors"));
        var (shape, input) = NpyFile.ReadFloat32(Path.Combine(dir, "input.npy"));
        var (_, expected) = NpyFile.ReadFloat32(Path.Combine(dir, "logits.npy"));
        using var backend = Backend(model, isa, shape[0], shape[2], shape[3], threads: 2);
        var logits = new float[expected.Length];
        backend.Run(input, shape[0], logits, default);
        Compare.Close(logits, expected, 1e-5, $"{caseName} at {isa}");
    }

    [Theory]
    [MemberData(nameof(IsaCases.All), MemberType = typeof(IsaCases))]
    public void EveryWidthAgreesWithTheWidestOnOddShapes(string isaName)
    {
        // 33x47 ends at 2x2 pixels; 32x32 at 1x1: every edge and tail case of the kernels.
        var isa = IsaCases.Accelerated(isaName);
        foreach (var (h, w) in new[] { (33, 47), (32, 32) })
        {
            using var reference = Backend(Small, VectorIsas.Best, 3, h, w, threads: 1);
            using var backend = Backend(Small, isa, 3, h, w, threads: 3);
            var input = NaiveOps.Random(3 * 3 * h * w, 41, 2f);
            var expected = new float[3 * 1000];
            var actual = new float[3 * 1000];
            var features = new float[3 * Small.Spec.PenultimateChannels];
            var expectedFeatures = new float[features.Length];
            reference.Run(input, 3, expected, expectedFeatures);
            backend.Run(input, 3, actual, features);
            Compare.Close(actual, expected, 1e-5, $"logits {h}x{w} at {isa}");
            Compare.Close(features, expectedFeatures, 1e-5, $"features {h}x{w} at {isa}");
        }
    }

    [Theory]
    [MemberData(nameof(IsaCases.All), MemberType = typeof(IsaCases))]
    public void ThreadCountDoesNotChangeResultsAtAnyWidth(string isaName)
    {
        var isa = IsaCases.Accelerated(isaName);
        using var one = Backend(Small, isa, 2, 64, 80, threads: 1);
        using var five = Backend(Small, isa, 2, 64, 80, threads: 5);
        var input = NaiveOps.Random(2 * 3 * 64 * 80, 42, 2f);
        var a = new float[2000];
        var b = new float[2000];
        one.Run(input, 2, a, default);
        five.Run(input, 2, b, default);
        Assert.Equal(a, b);
    }
}
