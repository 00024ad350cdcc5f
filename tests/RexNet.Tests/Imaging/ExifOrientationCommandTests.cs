using System.Text.Json;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Imaging;

/// <summary>
/// --exif-orientation on every command that reads images, and each command's default: preprocess and eval
/// ignore the tag, as timm does (their tensors and accuracies are timm's); predict applies it (a portrait phone
/// photo is classified the right way up).
/// </summary>
public class ExifOrientationCommandTests
{
    private static readonly string Rotated = PilReference.File("jpeg_exif6");

    private static PreprocessOptions Options(ExifOrientation exif) => new() { Size = 64, ExifOrientation = exif };

    [Fact]
    public void PreprocessIgnoresTheTagUnlessAskedToApplyIt()
    {
        using var dir = TestPaths.TempDir();
        var ignored = ImagePreprocessor.Preprocess(Rotated, Options(ExifOrientation.Ignore));
        var applied = ImagePreprocessor.Preprocess(Rotated, Options(ExifOrientation.Apply));
        Assert.NotEqual(ignored, applied);

        Assert.Equal(0, CliRunner.Run("preprocess", Rotated, "--output", dir.File("default.npy"), "--size", "64").ExitCode);
        Assert.Equal(ignored, NpyFile.ReadFloat32(dir.File("default.npy")).Data);
        Assert.Equal(0, CliRunner.Run("preprocess", Rotated, "--output", dir.File("apply.npy"), "--size", "64", "--exif-orientation", "apply").ExitCode);
        Assert.Equal(applied, NpyFile.ReadFloat32(dir.File("apply.npy")).Data);
        Assert.Equal(0, CliRunner.Run("preprocess", Rotated, "--output", dir.File("ignore.npy"), "--size", "64", "--exif-orientation", "ignore").ExitCode);
        Assert.Equal(ignored, NpyFile.ReadFloat32(dir.File("ignore.npy")).Data);

        var bad = CliRunner.Run("preprocess", Rotated, "--output", dir.File("bad.npy"), "--exif-orientation", "sideways");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--exif-orientation must be one of ignore, apply, got 'sideways'", bad.Stderr);
        Assert.False(File.Exists(dir.File("bad.npy")));
    }

    [Fact]
    public void PredictAppliesTheTagByDefault()
    {
        using var dir = TestPaths.TempDir();
        string weights = RandomWeights(dir);
        string[] args = ["predict", Rotated, "--weights", weights, "--device", "cpu", "--size", "64", "--top", "1000", "--json"];

        var byDefault = Probabilities(CliRunner.Run(args), "apply");
        var applied = Probabilities(CliRunner.Run([.. args, "--exif-orientation", "apply"]), "apply");
        var ignored = Probabilities(CliRunner.Run([.. args, "--exif-orientation", "ignore"]), "ignore");
        Assert.Equal(applied, byDefault);
        Assert.NotEqual(applied, ignored);
    }

    [Fact]
    public void EvalIgnoresTheTagByDefault()
    {
        using var dir = TestPaths.TempDir();
        string weights = RandomWeights(dir);
        string folder = Path.Combine(dir.Path, "val", "n01440764");
        Directory.CreateDirectory(folder);
        File.Copy(Rotated, Path.Combine(folder, "rotated.jpg"));
        foreach (var (flags, expected) in new[] { (Array.Empty<string>(), "ignore"), (["--exif-orientation", "apply"], "apply") })
        {
            string report = dir.File($"report-{expected}.json");
            var r = CliRunner.Run(["eval", Path.Combine(dir.Path, "val"), "--weights", weights, "--device", "cpu", "--size", "64", "--output", report, .. flags]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var json = JsonDocument.Parse(File.ReadAllText(report));
            Assert.Equal(expected, json.RootElement.GetProperty("preprocess").GetProperty("exif_orientation").GetString());
            Assert.Equal(1, json.RootElement.GetProperty("evaluated").GetInt32());
        }
    }

    private static string RandomWeights(TempDir dir)
    {
        string path = dir.File("random.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_100"), 5, path);
        return path;
    }

    private static double[] Probabilities(CliResult r, string exif)
    {
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        Assert.Equal(exif, json.RootElement.GetProperty("preprocess").GetProperty("exif_orientation").GetString());
        return json.RootElement.GetProperty("results")[0].GetProperty("predictions").EnumerateArray()
            .OrderBy(p => p.GetProperty("class_index").GetInt32())
            .Select(p => p.GetProperty("probability").GetDouble()).ToArray();
    }
}
