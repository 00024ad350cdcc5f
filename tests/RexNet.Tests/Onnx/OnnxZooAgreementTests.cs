using RexNet.Model;
using RexNet.Onnx;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Onnx;

/// <summary>
/// For every zoo model on random-init weights, ONNX Runtime running the export agrees with our CPU engine:
/// fixed-size exports at batch 1 and 3, and a --dynamic export at a non-square size. Sizes are small
/// because the reference CPU engine takes seconds per image for the 2.0- and 3.0-width models at 64x64
/// and above; those run at smaller sizes than the rest to keep the class near a minute on two cores.
/// </summary>
public class OnnxZooAgreementTests
{
    /// <summary>The timm parity bound. Random-init logits stay below 1 here; the largest error seen was 1.8e-6.</summary>
    private const double Tolerance = 1e-5;

    private static bool IsWide(string name) => ModelZoo.Get(name).WidthMultiplier >= 2.0;

    public static TheoryData<string> Models => new(ModelZoo.All.Select(e => e.Name));

    private static float[] RandomInput(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 4 - 2);
        }
        return x;
    }

    private static float[] RunEngine(FoldedModel model, float[] input, int batch, int height, int width)
    {
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = model.Spec.Name, FoldedWeights = model, Device = DeviceKind.Cpu, MaxBatch = batch, Height = height, Width = width,
        });
        var logits = new float[batch * engine.NumClasses];
        engine.Run(input, logits);
        return logits;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FixedSizeExportAgreesWithCpuEngine(string name)
    {
        var model = RandomInit.CreateFolded(ModelSpec.FromZoo(name), seed: 7);
        int size = IsWide(name) ? 48 : 64;
        foreach (int batch in new[] { 1, 3 })
        {
            int[] shape = [batch, 3, size, size];
            var input = RandomInput(batch * 3 * size * size, seed: batch);
            var onnx = OnnxExporter.ExportFolded(model, new OnnxExportOptions { Batch = batch, Height = size, Width = size });
            var expected = RunEngine(model, input, batch, size, size);
            var actual = OnnxParityTests.RunOrt(onnx, input, shape);
            var r = Compare.Measure(actual, expected, Tolerance);
            TestContext.Current.TestOutputHelper?.WriteLine($"{name} batch {batch} {size}x{size}: {r}");
            Assert.True(r.FirstBadIndex < 0, $"{name} batch {batch}: {r}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void DynamicExportAgreesWithCpuEngineAtNonSquareSize(string name)
    {
        (int height, int width) = IsWide(name) ? (80, 64) : (160, 128);
        var model = RandomInit.CreateFolded(ModelSpec.FromZoo(name), seed: 11);
        var onnx = OnnxExporter.ExportFolded(model, new OnnxExportOptions { Dynamic = true });
        int[] shape = [1, 3, height, width];
        var input = RandomInput(3 * height * width, seed: 5);
        var expected = RunEngine(model, input, 1, height, width);
        var actual = OnnxParityTests.RunOrt(onnx, input, shape);
        var r = Compare.Measure(actual, expected, Tolerance);
        TestContext.Current.TestOutputHelper?.WriteLine($"{name} dynamic {height}x{width}: {r}");
        Assert.True(r.FirstBadIndex < 0, $"{name} dynamic {height}x{width}: {r}");
    }

    /// <summary>The kept-BatchNorm export computes the same function as the folded one, on every model.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void KeptBatchNormExportAgreesWithFolded(string name)
    {
        var spec = ModelSpec.FromZoo(name);
        var stateDict = RandomInit.Create(spec, seed: 3).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var options = new OnnxExportOptions { Dynamic = true };
        var kept = OnnxExporter.ExportWithBatchNorm(spec, stateDict, options);
        var folded = OnnxExporter.ExportFolded(BatchNormFolding.Fold(spec, stateDict), options);
        int[] shape = [1, 3, 48, 40];
        var input = RandomInput(3 * 48 * 40, seed: 9);
        var r = Compare.Measure(OnnxParityTests.RunOrt(kept, input, shape), OnnxParityTests.RunOrt(folded, input, shape), Tolerance);
        TestContext.Current.TestOutputHelper?.WriteLine($"{name} kept vs folded 48x40: {r}");
        Assert.True(r.FirstBadIndex < 0, $"{name}: {r}");
    }
}
