using RexNet.Imaging;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Weights;

/// <summary>The number of classes is head.fc.weight's rows; the labels are the rexnet.labels metadata, checked against it.</summary>
public class HeadSizeAndLabelsTests
{
    private static string Write(TempDir dir, int classes, Dictionary<string, string>? metadata = null)
    {
        string path = dir.File($"head{classes}.safetensors");
        SafeTensorsWriter.Write(path, RandomInit.Create(ModelSpec.FromZoo("rexnet_100", classes), seed: 1), null, metadata);
        return path;
    }

    private static RexNetEngine Engine(string weights, string? model = null) => RexNetEngine.Create(new EngineOptions
    {
        Model = model, Weights = weights, Device = DeviceKind.Cpu, Height = 32, Width = 32,
    });

    [Fact]
    public void AHeadWithoutLabelsGetsNumberedClasses()
    {
        using var dir = TestPaths.TempDir();
        using var engine = Engine(Write(dir, 4));
        Assert.Equal(4, engine.NumClasses);
        Assert.Equal(["class_0", "class_1", "class_2", "class_3"], engine.ClassLabels);
        var logits = new float[4];
        engine.Run(new float[engine.ImageElements], logits);
        Assert.All(logits, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void AFineTunedHeadWithoutMetadataIsStillItsBackbonesModel()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("timm-3-classes.safetensors");
        SafeTensorsWriter.Write(path, RandomInit.Create(ModelSpec.FromZoo("rexnetr_130", 3), seed: 2));
        var model = WeightLoader.Load(path);
        Assert.Equal(("rexnetr_130", 3), (model.Spec.Name, model.Spec.NumClasses));
    }

    [Fact]
    public void ImageNetHeadsKeepImageNetsLabelsAndSynsets()
    {
        using var dir = TestPaths.TempDir();
        using var engine = Engine(Write(dir, 1000));
        Assert.Equal(1000, engine.NumClasses);
        Assert.Equal("tabby, tabby cat", engine.ClassLabels[281]);
        var top = TopK.Predictions(new float[1000], 1, engine.ClassLabels);
        Assert.Equal("n01440764", top[0].Synset);
    }

    [Fact]
    public void DeclaredLabelsNameTheClasses()
    {
        using var dir = TestPaths.TempDir();
        using var engine = Engine(Write(dir, 2, new() { ["rexnet.labels"] = """["ok","défaut \"2\""]""" }));
        Assert.Equal(["ok", "défaut \"2\""], engine.ClassLabels);
        var top = TopK.Predictions([0f, 1f], 2, engine.ClassLabels);
        Assert.Equal(("défaut \"2\"", null), (top[0].Label, top[0].Synset));
    }

    [Theory]
    [InlineData("""["a","b"]""", "__metadata__ 'rexnet.labels' names 2 classes but head.fc has 3")]
    [InlineData("""{"a":1}""", "__metadata__ 'rexnet.labels' is not a JSON array of strings")]
    [InlineData("""["a",1,"c"]""", "__metadata__ 'rexnet.labels' is not a JSON array of strings")]
    [InlineData("not json", "__metadata__ 'rexnet.labels' is not a JSON array of strings")]
    [InlineData("""["a","","c"]""", "__metadata__ 'rexnet.labels' has a blank label for class 1")]
    public void BadLabelsAreRefusedNamingTheFile(string labels, string expected)
    {
        using var dir = TestPaths.TempDir();
        string path = Write(dir, 3, new() { ["rexnet.labels"] = labels });
        var e = Assert.Throws<InvalidInputFileException>(() => Engine(path));
        Assert.Equal(RexNetErrorCode.InvalidFile, e.Code);
        Assert.Equal($"{path}: {expected}", e.Message);
    }

    [Fact]
    public void AHeadOfTheWrongWidthIsStillAMismatch()
    {
        using var dir = TestPaths.TempDir();
        var tensors = RandomInit.Create(ModelSpec.FromZoo("rexnet_100", 3), seed: 1)
            .Select(t => t.Name == "head.fc.weight" ? new TensorData(t.Name, [3, 7], new float[21]) : t).ToArray();
        string path = dir.File("w.safetensors");
        SafeTensorsWriter.Write(path, tensors);
        var e = Assert.Throws<WeightMismatchException>(() => Engine(path, "rexnet_100"));
        Assert.Contains("tensor 'head.fc.weight' has shape [3, 7], expected [1000, 1280]", e.Message);
    }
}
