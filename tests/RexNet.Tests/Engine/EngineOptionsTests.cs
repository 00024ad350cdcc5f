using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Engine;

/// <summary>EngineOptions never accept a contradiction silently: each is one RexNetException naming what
/// disagrees; a model not named is read from the weights; sizes that would overflow 32-bit tensor indexing
/// are refused before anything is allocated.</summary>
public class EngineOptionsTests
{
    private static readonly FoldedModel Rexnet100 = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 5);

    private static EngineOptions Small => new()
    {
        FoldedWeights = Rexnet100, Device = DeviceKind.Cpu, MaxBatch = 1, Height = 32, Width = 32, Threads = 1,
    };

    private static RexNetException Refused(EngineOptions options, RexNetErrorCode code = RexNetErrorCode.InvalidArgument)
    {
        var e = Assert.ThrowsAny<RexNetException>(() => RexNetEngine.Create(options).Dispose());
        Assert.Equal(code, e.Code);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void AModelThatContradictsTheFoldedWeightsIsNamedWithThem()
    {
        Assert.Equal("Model rexnet_300 does not match FoldedWeights, which hold rexnet_100; drop Model or give rexnet_300's weights",
            Refused(Small with { Model = "rexnet_300" }).Message);
        using var alias = RexNetEngine.Create(Small with { Model = "ReXNet_1_0" });
        Assert.Equal("rexnet_100", alias.Spec.Name);
        Refused(Small with { Model = "rexnet_999" }, RexNetErrorCode.NotFound);
    }

    [Fact]
    public void AModelThatContradictsAWeightsFileIsNamedWithWhatTheFileSays()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("w.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_130"), 1, path);
        var e = Refused(new EngineOptions { Model = "rexnet_100", Weights = path, Device = DeviceKind.Cpu, Height = 32, Width = 32 }, RexNetErrorCode.InvalidFile);
        Assert.StartsWith($"{path}: weights do not match rexnet_100: ", e.Message);
        Assert.EndsWith("(the file says it holds rexnet_130)", e.Message);
    }

    [Fact]
    public void WithoutAModelTheWeightsMetadataNamesIt()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("w.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_130"), 1, path);
        using var engine = RexNetEngine.Create(new EngineOptions { Weights = path, Device = DeviceKind.Cpu, Height = 32, Width = 32, Threads = 1 });
        Assert.Equal("rexnet_130", engine.Spec.Name);
    }

    [Theory]
    [InlineData("rexnet_150")]
    [InlineData("rexnetr_100")]
    [InlineData("rexnetr_300")]
    public void WithoutAModelOrMetadataTheTensorShapesNameIt(string model)
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("timm.safetensors");
        // As timm saves it: tensors and counters, no metadata naming the model.
        var spec = ModelSpec.FromZoo(model);
        SafeTensorsWriter.Write(path, RandomInit.Create(spec, 3), RandomInit.BatchCounters(spec).Select(c => (c, 0L)).ToArray(), new Dictionary<string, string> { ["format"] = "pt" });
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(model, ModelIdentification.Identify(file, null).Name);
        Assert.Equal(model, WeightLoader.Load(path).Spec.Name);
    }

    [Fact]
    public void WeightsOfNoZooModelAreOneErrorAskingForTheModel()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("odd.safetensors");
        SafeTensorsWriter.Write(path, [new TensorData("stem.conv.weight", [7, 3, 3, 3], new float[7 * 27])]);
        var e = Refused(new EngineOptions { Weights = path, Device = DeviceKind.Cpu }, RexNetErrorCode.InvalidFile);
        Assert.StartsWith($"{path}: cannot tell which model these weights are for: no known 'rexnet.model' in the metadata and its tensor shapes match no zoo model (closest: ", e.Message);
        Assert.EndsWith("name the model (EngineOptions.Model, --model)", e.Message);
    }

    public static TheoryData<string, EngineOptions, string> Contradictions => new()
    {
        { "undefined device kind", Small with { Device = (DeviceKind)7 }, "Device 7 is not a DeviceKind (Auto, Cpu or Cuda)" },
        { "negative device index", Small with { Device = DeviceKind.Cuda, DeviceIndex = -1 }, "DeviceIndex must be 0 or more, got -1" },
        { "a GPU index for the CPU", Small with { DeviceIndex = 1 }, "DeviceIndex 1 names a GPU, but Device is Cpu" },
        { "no batch", Small with { MaxBatch = 0 }, $"MaxBatch must be in [1, {EngineOptions.MaxBatchLimit}], got 0" },
        { "a batch past the limit", Small with { MaxBatch = EngineOptions.MaxBatchLimit + 1 }, $"MaxBatch must be in [1, {EngineOptions.MaxBatchLimit}], got {EngineOptions.MaxBatchLimit + 1}" },
        { "no threads", Small with { Threads = 0 }, "Threads must be at least 1 (or null for one per core), got 0" },
        { "two sets of weights", Small with { Weights = "w.safetensors" }, "both Weights (w.safetensors) and FoldedWeights are set; give one" },
        { "no weights", Small with { FoldedWeights = null }, "no weights given: set Weights to a timm .safetensors file (or FoldedWeights)" },
        { "too small", Small with { Height = 16 }, "input size 16x32 is too small: height and width must be at least 32" },
    };

    [Theory]
    [MemberData(nameof(Contradictions))]
    public void ContradictionsAreRefused(string why, EngineOptions options, string message) =>
        Assert.True(message == Refused(options).Message, why);

    [Fact]
    public void SizesThatOverflowTensorIndexingAreRefusedNamingTheLimit()
    {
        var batch = Refused(Small with { MaxBatch = 1024, Height = 1024, Width = 1024 });
        Assert.StartsWith("MaxBatch 1024 at 1024x1024 makes rexnet_100's tensor '", batch.Message);
        var (_, perImage) = TensorLimits.LargestPerImage(Rexnet100.Spec, 1024, 1024);
        Assert.EndsWith($"more than the limit of 2147483647 (32-bit indexing); at 1024x1024 MaxBatch can be at most {int.MaxValue / perImage}", batch.Message);

        var image = Refused(Small with { Height = 100_000, Width = 100_000 });
        Assert.EndsWith("100000x100000 is too large even for one image", image.Message);
        Refused(Small with { Height = int.MaxValue, Width = int.MaxValue });

        // The largest allowed batch builds.
        int fits = (int)(int.MaxValue / TensorLimits.LargestPerImage(Rexnet100.Spec, 32, 32).Elements);
        Assert.True(fits > EngineOptions.MaxBatchLimit);
    }

    [Theory]
    [InlineData(1, 32, 32)]
    [InlineData(3, 64, 48)]
    [InlineData(2, 97, 35)]
    public void TheSizeLimitKnowsThePlansLargestTensor(int batch, int height, int width)
    {
        var plan = Plan.Build(Rexnet100, batch, height, width);
        var largest = plan.Tensors.MaxBy(t => t.Shape.Count)!;
        var (name, perImage) = TensorLimits.LargestPerImage(Rexnet100.Spec, height, width);
        Assert.Equal(largest.Shape.Count, perImage * batch);
        Assert.Equal(largest.Name, name);
    }
}
