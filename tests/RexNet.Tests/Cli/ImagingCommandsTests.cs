using System.Text.Json;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Hub;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cli;

/// <summary>`rexnet preprocess` and `rexnet predict` end to end, with random-init weights.</summary>
public class ImagingCommandsTests
{
    private static string Image(string name) => Path.Combine(TestPaths.RequireSharedFolder(TestPaths.Images), name);

    private static string RandomWeights(TempDir dir)
    {
        string path = dir.File("random.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_100"), 5, path);
        return path;
    }

    [Fact]
    public void PreprocessWritesTheLibrarysTensorAsNchwNpy()
    {
        using var dir = TestPaths.TempDir();
        var r = CliRunner.Run("preprocess", Image("chelsea.png"), "--output", dir.File("x.npy"));
        Assert.Equal(0, r.ExitCode);
        var (shape, data) = NpyFile.ReadFloat32(dir.File("x.npy"));
        Assert.Equal([1, 3, 224, 224], shape);
        Assert.Equal(ImagePreprocessor.Preprocess(Image("chelsea.png")), data);

        r = CliRunner.Run("preprocess", Image("rocket.jpg"), "--output", dir.File("y.npy"), "--preset", "paddle", "--size", "96", "--crop-pct", "1");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([1, 3, 96, 96], NpyFile.ReadFloat32(dir.File("y.npy")).Shape);
    }

    [Fact]
    public void PreprocessRejectsTheTruncatedJpegWithOneLineAndNoOutput()
    {
        using var dir = TestPaths.TempDir();
        var r = CliRunner.Run("preprocess", Image("truncated.jpg"), "--output", dir.File("x.npy"));
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Stderr.TrimEnd().Split('\n'));
        Assert.Contains("truncated.jpg", r.Stderr);
        Assert.Contains("truncated", r.Stderr.Replace("truncated.jpg", ""));
        Assert.False(File.Exists(dir.File("x.npy")));
        Assert.Equal(2, CliRunner.Run("preprocess", Image("chelsea.png"), "--output", dir.File("x.npy"), "--crop-pct", "2").ExitCode);
    }

    [Fact]
    public void PredictJsonGivesProbabilitiesThatSumToOneForEveryImage()
    {
        using var dir = TestPaths.TempDir();
        string weights = RandomWeights(dir);
        var r = CliRunner.Run("predict", Image("chelsea.png"), Image("rocket.jpg"), Image("camera.png"),
            "--weights", weights, "--device", "cpu", "--size", "64", "--top", "1000", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);

        using var json = JsonDocument.Parse(r.Stdout);
        var results = json.RootElement.GetProperty("results");
        Assert.Equal(3, results.GetArrayLength());
        foreach (var result in results.EnumerateArray())
        {
            var predictions = result.GetProperty("predictions").EnumerateArray().ToArray();
            Assert.Equal(1000, predictions.Length);
            var probabilities = predictions.Select(p => p.GetProperty("probability").GetDouble()).ToArray();
            Assert.Equal(1.0, probabilities.Sum(), 1e-4);
            Assert.True(probabilities.Zip(probabilities.Skip(1)).All(p => p.First >= p.Second));
            Assert.Equal(1000, predictions.Select(p => p.GetProperty("class_index").GetInt32()).Distinct().Count());
            var first = predictions[0];
            int index = first.GetProperty("class_index").GetInt32();
            Assert.Equal(ImageNetClasses.Synsets[index], first.GetProperty("synset").GetString());
            Assert.Equal(ImageNetClasses.Labels[index], first.GetProperty("label").GetString());
        }
    }

    [Fact]
    public void PredictTellsTheModelFromTheWeightsWithoutModel()
    {
        using var dir = TestPaths.TempDir();
        string weights = dir.File("rexnet_130.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_130"), 5, weights);
        var r = CliRunner.Run("predict", Image("coffee.png"), "--weights", weights, "--device", "cpu", "--size", "64", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("rexnet_130 on Cpu (CPU requested)", r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        Assert.Equal("rexnet_130", json.RootElement.GetProperty("model").GetString());

        var wrong = CliRunner.Run("predict", Image("coffee.png"), "--weights", weights, "--model", "rexnet_100", "--device", "cpu", "--size", "64");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("weights do not match rexnet_100", wrong.Stderr);
        Assert.Contains("(the file says it holds rexnet_130)", wrong.Stderr);
    }

    [Fact]
    public void PredictTextListsTopKPerImageAndRejectsBadUse()
    {
        using var dir = TestPaths.TempDir();
        string weights = RandomWeights(dir);
        var r = CliRunner.Run("predict", Image("coffee.png"), "--weights", weights, "--device", "cpu", "--size", "64", "--top", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("   1. ", lines[1]);

        Assert.Equal(2, CliRunner.Run("predict", Image("coffee.png"), "--weights", weights, "--pretrained").ExitCode);
        Assert.Equal(2, CliRunner.Run("predict", Image("coffee.png")).ExitCode);
        Assert.Equal(2, CliRunner.Run("predict", "--weights", weights).ExitCode);
        var bad = CliRunner.Run("predict", Image("truncated.jpg"), "--weights", weights, "--device", "cpu", "--size", "64");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("truncated.jpg", bad.Stderr);
    }
}
