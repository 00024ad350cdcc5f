using RexNet.IO;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cli;

/// <summary>`rexnet init` and `rexnet run` on a small random rexnet_100, checked against the library directly.</summary>
[Collection(CliCollection.Name)]
public class RunCommandTests(CliModelFiles files)
{
    private float[] EngineOutput(bool features)
    {
        var (_, input) = NpyFile.ReadFloat32(files.Input);
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = "rexnet_100", Weights = files.Rexnet100, Device = DeviceKind.Cpu,
            MaxBatch = CliModelFiles.Batch, Height = CliModelFiles.Size, Width = CliModelFiles.Size,
        });
        var output = new float[CliModelFiles.Batch * (features ? engine.FeatureCount : engine.NumClasses)];
        if (features)
        {
            engine.RunFeatures(input, output);
        }
        else
        {
            engine.Run(input, output);
        }
        return output;
    }

    [Theory]
    [InlineData(false, 1000)]
    [InlineData(true, 1280)]
    public void RunWritesLogitsOrFeatures(bool features, int perImage)
    {
        using var dir = TestPaths.TempDir();
        string output = dir.File("y.npy");
        string[] args = ["run", "--model", "rexnet_100", "--weights", files.Rexnet100, "--input", files.Input, "--output", output, "--device", "cpu"];
        var r = CliRunner.Run(features ? [.. args, "--features"] : args);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Empty(r.Stderr);
        string report = r.Stdout.TrimEnd();
        Assert.StartsWith("rexnet_100 on ", report);
        Assert.EndsWith($"2x3x64x64 -> {output} [2, {perImage}]", report);
        var (shape, data) = NpyFile.ReadFloat32(output);
        Assert.Equal([CliModelFiles.Batch, perImage], shape);
        Assert.All(data, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(EngineOutput(features), data);
        Assert.Equal([output], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void RunAcceptsASeedAliasAndTheDefaultDevice()
    {
        using var dir = TestPaths.TempDir();
        string output = dir.File("y.npy");
        var r = CliRunner.Run("run", "--model=ReXNet_1_0", "--weights=" + files.Rexnet100, "--input", files.Input, "--output", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        // The default device is Auto: CUDA where a GPU is usable, so compare with the GPU's bound, not exactly.
        Compare.Close(NpyFile.ReadFloat32(output).Data, EngineOutput(features: false), 1e-4, "default-device logits");
    }

    [Fact]
    public void InitSaysNotPretrainedAndRecordsIt()
    {
        using var dir = TestPaths.TempDir();
        string output = dir.File("w.safetensors");
        var r = CliRunner.Run("init", "--model", "rexnetr_100", "--seed", "12", "--output", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal($"wrote {output}: rexnetr_100, random init with seed 12 (not pretrained)", r.Stdout.TrimEnd());
        Assert.Empty(r.Stderr);
        using var file = SafeTensorsFile.Open(output);
        Assert.Contains("NOT pretrained", file.Metadata["rexnet.note"]);
        Assert.Equal("rexnetr_100", file.Metadata["rexnet.model"]);
        Assert.Equal([output], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void InitIsDeterministicPerSeed()
    {
        using var dir = TestPaths.TempDir();
        string a = dir.File("a.safetensors"), b = dir.File("b.safetensors"), c = dir.File("c.safetensors");
        Assert.Equal(0, CliRunner.Run("init", "--model", "rexnet_100", "--seed", "3", "--output", a).ExitCode);
        Assert.Equal(0, CliRunner.Run("init", "--model", "rexnet_100", "--output", b).ExitCode);
        Assert.Equal(0, CliRunner.Run("init", "--model", "rexnet_100", "--seed", "0", "--output", c).ExitCode);
        Assert.Equal(File.ReadAllBytes(files.Rexnet100), File.ReadAllBytes(a));
        Assert.Equal(File.ReadAllBytes(c), File.ReadAllBytes(b));
        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }
}
