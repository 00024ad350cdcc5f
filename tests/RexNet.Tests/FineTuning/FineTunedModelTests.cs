using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using RexNet.Evaluation;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Tests.Support;

namespace RexNet.Tests.FineTuning;

/// <summary>A fine-tuned file drives every consumer: the engine, predict, eval, run and export-onnx with ONNX Runtime.</summary>
[Collection(FineTuneCollection.Name)]
public sealed class FineTunedModelTests(FineTuneTrees trees)
{
    private static readonly string[] Classes = ["cat", "coffee", "space"];

    private RexNetEngine Engine(int maxBatch = 1) => RexNetEngine.Create(new EngineOptions
    {
        Model = "rexnet_100", Weights = trees.FineTuned, Device = DeviceKind.Cpu, MaxBatch = maxBatch,
        Height = FineTuneTrees.Preprocess.Height, Width = FineTuneTrees.Preprocess.Width,
    });

    [Fact]
    public void TheEngineReadsTheHeadSizeAndLabelsFromTheWeights()
    {
        using var engine = Engine();
        Assert.Equal(3, engine.NumClasses);
        Assert.Equal(Classes, engine.ClassLabels);
        var top = engine.Classify(Path.Combine(TestPaths.Images, "chelsea.png"), topK: 5);
        Assert.Equal(3, top.Count);
        Assert.Equal(("cat", null), (top[0].Label, top[0].Synset));
        Assert.Equal(1.0, top.Sum(p => (double)p.Probability), 1e-5);
    }

    [Fact]
    public void PredictNamesTheNewClasses()
    {
        string[] images = ["chelsea.png", "coffee.png", "rocket.jpg"];
        var r = CliRunner.Run(["predict", .. images.Select(i => Path.Combine(TestPaths.Images, i)), "--weights", trees.FineTuned,
            "--size", FineTuneTrees.Size, "--device", "cpu", "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(Classes, results.Select(x => x.GetProperty("predictions")[0].GetProperty("label").GetString()));
        Assert.All(results, x => Assert.Equal(3, x.GetProperty("predictions").GetArrayLength()));
        Assert.Equal(JsonValueKind.Null, results[0].GetProperty("predictions")[0].GetProperty("synset").ValueKind);

        var text = CliRunner.Run("predict", Path.Combine(TestPaths.Images, "chelsea.png"), "--weights", trees.FineTuned, "--size", FineTuneTrees.Size, "--device", "cpu");
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("cat (class 0)", text.Stdout);
    }

    [Fact]
    public void EvalMatchesClassFoldersToTheLabelsOrIndices()
    {
        using var dir = TestPaths.TempDir();
        // "1" is coffee by index; the rest by label; truncated.jpg is listed as unreadable.
        string root = FineTuneTrees.Tree(dir, "val", [("cat", "chelsea.png"), ("1", "coffee.png"), ("space", "rocket.jpg"), ("space", "truncated.jpg")]);
        var r = CliRunner.Run("eval", root, "--weights", trees.FineTuned, "--size", FineTuneTrees.Size, "--device", "cpu", "--output", dir.File("report.json"));
        // The unreadable image is listed and skipped, and makes the run exit 1.
        Assert.True(r.ExitCode == 1, r.Stderr);
        Assert.Contains("4 images, 3 evaluated, 1 unreadable", r.Stdout);
        Assert.Contains("top-1 100.00 % (3/3)", r.Stdout);
        using var report = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        Assert.Equal(1.0, report.RootElement.GetProperty("top1").GetDouble());

        using var engine = Engine();
        // Folders in ordinal order: "1" (coffee), cat, space.
        Assert.Equal([1, 0, 2, 2], EvalDataset.FromImageFolder(root, engine.ClassLabels).Select(s => s.Label));

        Directory.CreateDirectory(Path.Combine(root, "dogs"));
        var e = Assert.Throws<InvalidInputFileException>(() => EvalDataset.FromImageFolder(root, engine.ClassLabels));
        Assert.Contains("folder 'dogs' is not a class of the model: name class folders by label (cat, coffee, space) or class index (0-2)", e.Message);
        Directory.Delete(Path.Combine(root, "dogs"));
        Directory.CreateDirectory(Path.Combine(root, "n01440764"));
        Assert.Throws<InvalidInputFileException>(() => EvalDataset.FromImageFolder(root, engine.ClassLabels));
    }

    [Fact]
    public void RunWritesTheNewHeadsLogits()
    {
        using var dir = TestPaths.TempDir();
        var x = new float[2 * 3 * 64 * 64];
        ImagePreprocessor.Preprocess(Path.Combine(TestPaths.Images, "chelsea.png"), FineTuneTrees.Preprocess).CopyTo(x, 0);
        ImagePreprocessor.Preprocess(Path.Combine(TestPaths.Images, "rocket.jpg"), FineTuneTrees.Preprocess).CopyTo(x, 3 * 64 * 64);
        NpyFile.WriteFloat32(dir.File("x.npy"), [2, 3, 64, 64], x);
        var r = CliRunner.Run("run", "--model", "rexnet_100", "--weights", trees.FineTuned, "--input", dir.File("x.npy"), "--output", dir.File("y.npy"), "--device", "cpu");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var (shape, logits) = NpyFile.ReadFloat32(dir.File("y.npy"));
        Assert.Equal([2, 3], shape);
        Assert.Equal(0, TopK.Indices(logits.AsSpan(0, 3), 1)[0]);
        Assert.Equal(2, TopK.Indices(logits.AsSpan(3, 3), 1)[0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExportOnnxCarriesTheThreeClassHeadAndItsLabelsToOnnxRuntime(bool keepBn)
    {
        using var dir = TestPaths.TempDir();
        string onnx = dir.File("pets.onnx");
        var export = CliRunner.Run(["export-onnx", "--model", "rexnet_100", "--weights", trees.FineTuned, "--output", onnx, "--dynamic", .. keepBn ? new[] { "--keep-bn" } : []]);
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Contains("3 classes, labels embedded", export.Stdout);

        using (var session = new InferenceSession(onnx))
        {
            var metadata = session.ModelMetadata.CustomMetadataMap;
            Assert.Equal("""["cat","coffee","space"]""", metadata["rexnet.class_labels"]);
            Assert.Equal("3", metadata["rexnet.num_classes"]);
            Assert.Equal(3, session.OutputMetadata["logits"].Dimensions[1]);
        }

        var x = ImagePreprocessor.Preprocess(Path.Combine(TestPaths.Images, "coffee.png"), FineTuneTrees.Preprocess);
        NpyFile.WriteFloat32(dir.File("x.npy"), [1, 3, 64, 64], x);
        var ort = CliRunner.Run("run-onnx", "--onnx", onnx, "--input", dir.File("x.npy"), "--output", dir.File("ort.npy"));
        Assert.True(ort.ExitCode == 0, ort.Stderr);
        var (shape, theirs) = NpyFile.ReadFloat32(dir.File("ort.npy"));
        Assert.Equal([1, 3], shape);
        using var engine = Engine();
        var ours = new float[3];
        engine.Run(x, ours);
        Compare.Close(theirs, ours, 1e-4, "ONNX Runtime vs the CPU engine on the fine-tuned head");
        Assert.Equal(1, TopK.Indices(theirs, 1)[0]);
    }
}
