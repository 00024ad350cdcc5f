using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;
using static RexNet.Tests.Support.NpyBytes;

namespace RexNet.Tests.Cli;

/// <summary>
/// Every bad input to the command line: a non-zero exit, exactly one line on stderr naming the problem (plus the
/// usage line for usage errors), no stack frames, and no output file or temporary file left behind.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliErrorTests(CliModelFiles files) : IDisposable
{
    private readonly TempDir _dir = TestPaths.TempDir();
    private string Output => _dir.File("y.npy");

    public void Dispose() => _dir.Dispose();

    private string[] RunArgs(string? input = null, string? weights = null, string model = "rexnet_100") =>
        ["run", "--model", model, "--weights", weights ?? files.Rexnet100, "--input", input ?? files.Input, "--output", Output];

    private string WriteInput(string name, byte[] contents)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, contents);
        return path;
    }

    private string WriteInput(string name, int[] shape)
    {
        string path = _dir.File(name);
        NpyFile.WriteFloat32(path, shape, new float[shape.Aggregate(1, (a, b) => a * b)]);
        return path;
    }

    /// <summary>Runs the command and checks the failure contract; returns the error line. Exit 2 from the
    /// command line's parser comes with the usage line.</summary>
    private string Fails(int exitCode, string[] args, params string[] expected) => Fails(exitCode, exitCode == 2, args, expected);

    /// <summary>Exit 2 for a request the library refuses (RexNetErrorCode.InvalidArgument): one line, no usage.</summary>
    private string Refused(string[] args, params string[] expected) => Fails(2, usageError: false, args, expected);

    private string Fails(int exitCode, bool usageError, string[] args, string[] expected)
    {
        var before = Directory.GetFileSystemEntries(_dir.Path).Order().ToArray();
        var r = CliRunner.Run(args);
        Assert.Equal(exitCode, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stdout);
        Assert.Empty(r.Stdout);
        string[] lines = r.StderrLines;
        Assert.True(lines.Length == (usageError ? 2 : 1), $"stderr should be {(usageError ? 2 : 1)} line(s):\n{r.Stderr}");
        if (usageError)
        {
            Assert.StartsWith("usage: rexnet ", lines[1]);
            Assert.EndsWith("--help')", lines[1]);
        }
        foreach (string e in expected)
        {
            Assert.True(lines[0].Contains(e, StringComparison.Ordinal), $"expected '{e}' in: {lines[0]}");
        }
        Assert.False(File.Exists(Output), "an output file was left behind");
        Assert.Equal(before, Directory.GetFileSystemEntries(_dir.Path).Order().ToArray());
        return lines[0];
    }

    [Fact]
    public void UnknownCommand() =>
        Assert.Equal("rexnet: unknown command 'frobnicate'; 'rexnet --help' lists the commands", Fails(2, ["frobnicate", "--x"]));

    [Fact]
    public void MisspeltCommandGetsASuggestion() =>
        Assert.Equal("rexnet: unknown command 'predcit'; did you mean 'predict'?", Fails(2, ["predcit", "x.jpg"]));

    [Fact]
    public void MisspeltOptionGetsASuggestion() => Fails(2, [.. RunArgs(), "--featurs"], "rexnet run: unknown option '--featurs'; did you mean '--features'?");

    [Fact]
    public void MisspeltOptionIsNotTakenForAnImage() =>
        Fails(2, ["predict", "x.jpg", "--tpo", "3", "--weights", files.Rexnet100], "rexnet predict: unknown option '--tpo'; did you mean '--top'?");

    [Fact]
    public void MisspeltModelGetsASuggestion() =>
        Fails(2, ["init", "--model", "rexnet_10", "--output", Output], "rexnet init: unknown model 'rexnet_10'; did you mean one of 'rexnet_100'");

    [Fact]
    public void UnknownFlag() => Fails(2, [.. RunArgs(), "--bogus", "1"], "rexnet run: unknown option '--bogus'");

    [Fact]
    public void FlagGivenTwice() => Fails(2, [.. RunArgs(), "--input", files.Input], "rexnet run: option '--input' expects a single argument but 2 were provided");

    [Fact]
    public void FlagWithoutValue() => Fails(2, ["run", "--model", "rexnet_100", "--output"], "rexnet run: required argument missing for option: '--output'");

    [Fact]
    public void StrayPositionalArgument() => Fails(2, [.. RunArgs(), "extra"], "rexnet run: unexpected argument 'extra'");

    [Fact]
    public void SwitchWithAValue() => Fails(2, [.. RunArgs(), "--features=yes"], "rexnet run: unexpected argument 'yes'");

    [Fact]
    public void MissingWeights() =>
        Fails(2, ["run", "--model", "rexnet_100", "--input", files.Input, "--output", Output], "rexnet run: no weights: give --weights FILE");

    [Fact]
    public void MissingOutput() =>
        Fails(2, ["run", "--model", "rexnet_100", "--weights", files.Rexnet100, "--input", files.Input], "rexnet run: option '--output' is required");

    [Theory]
    [InlineData("gpu")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("cpu,auto")]
    [InlineData(" cpu")]
    [InlineData("cpu:0")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void BadDeviceValue(string device) =>
        Fails(2, [.. RunArgs(), "--device", device], $"rexnet run: --device must be auto, cpu, cuda or cuda:N (N = 0, 1, ... in the driver's order), got '{device}'");

    [Fact]
    public void UnknownModel() => Fails(2, RunArgs(model: "rexnet_999"), "rexnet run: unknown model 'rexnet_999'", "'rexnet zoo' lists them");

    [Fact]
    public void NonexistentInput()
    {
        string missing = _dir.File("absent.npy");
        Assert.Equal($"rexnet run: {missing}: file not found", Fails(1, RunArgs(input: missing)));
    }

    [Fact]
    public void InputIsADirectory()
    {
        string sub = Directory.CreateDirectory(_dir.File("folder")).FullName;
        Fails(1, RunArgs(input: sub), $"{sub}: is a directory, not a file");
    }

    [Fact]
    public void MalformedNpy() =>
        Fails(1, RunArgs(input: WriteInput("bad.npy", "not numpy at all"u8.ToArray())), "bad.npy: not a .npy file: missing the \\x93NUMPY magic");

    [Fact]
    public void TruncatedNpy()
    {
        byte[] whole = File.ReadAllBytes(files.Input);
        Fails(1, RunArgs(input: WriteInput("cut.npy", whole[..^100])), "cut.npy: data is", "but shape (2, 3, 64, 64) of float32 needs 98304");
    }

    [Fact]
    public void NpyOfTheWrongDtype() =>
        Fails(1, RunArgs(input: WriteInput("f8.npy", Build(Dict("(1, 3, 32, 32)", "<f8"), 8 * 3 * 32 * 32))), "dtype '<f8' is not supported");

    [Fact]
    public void NpyWithAnOverflowingShape() =>
        Fails(1, RunArgs(input: WriteInput("huge.npy", Build(Dict("(2147483647, 3, 2147483647, 2147483647)"), 16))), "holds more than");

    [Fact]
    public void WrongChannelCount() =>
        Fails(1, RunArgs(input: WriteInput("four.npy", [2, 4, 64, 64])), "four.npy: expected a float32 [batch, 3, height, width] tensor, got shape (2, 4, 64, 64)");

    [Fact]
    public void ZeroDimensionalInput() =>
        Fails(1, RunArgs(input: WriteInput("scalar.npy", Float32("()", [1f]))), "expected a float32 [batch, 3, height, width] tensor, got shape ()");

    [Fact]
    public void EmptyBatch() =>
        Fails(1, RunArgs(input: WriteInput("empty.npy", [0, 3, 64, 64])), "got shape (0, 3, 64, 64)");

    [Fact]
    public void TooSmallImage() =>
        Fails(1, RunArgs(input: WriteInput("small.npy", [1, 3, 16, 16])), "input size 16x16 is too small");

    [Fact]
    public void WeightsOfTheWrongModel()
    {
        int wide = ModelSpec.FromZoo("rexnet_130").StemChannels, narrow = ModelSpec.FromZoo("rexnet_100").StemChannels;
        Fails(1, RunArgs(weights: files.Rexnet130), $"{files.Rexnet130}: weights do not match rexnet_100",
            $"tensor 'stem.conv.weight' has shape [{wide}, 3, 3, 3], expected [{narrow}, 3, 3, 3]");
    }

    [Fact]
    public void NonexistentWeights()
    {
        string missing = _dir.File("absent.safetensors");
        Assert.Equal($"rexnet run: {missing}: file not found", Fails(1, RunArgs(weights: missing)));
    }

    [Fact]
    public void TruncatedWeights()
    {
        byte[] whole = File.ReadAllBytes(files.Rexnet100);
        Fails(1, RunArgs(weights: WriteInput("cut.safetensors", whole[..(whole.Length / 3)])), "cut.safetensors: tensor '", "lie outside the");
    }

    [Fact]
    public void WeightsThatAreNotSafetensors() =>
        Fails(1, RunArgs(weights: files.Input), $"{files.Input}: header length", "exceeds the 16777216-byte limit");

    [Fact]
    public void OutputDirectoryMissing()
    {
        string output = Path.Combine(_dir.Path, "absent", "y.npy");
        Fails(1, ["run", "--model", "rexnet_100", "--weights", files.Rexnet100, "--input", files.Input, "--output", output],
            "output directory", "does not exist");
    }

    [Fact]
    public void InitOutputIsADirectory()
    {
        string taken = Directory.CreateDirectory(_dir.File("taken")).FullName;
        Refused(["init", "--model", "rexnet_100", "--output", taken], $"rexnet init: output {taken} is a directory; name a file to write");
        Assert.Empty(Directory.EnumerateFileSystemEntries(taken));
    }

    [Fact]
    public void WeightMismatchWithControlCharactersStaysOneLine()
    {
        string path = _dir.File("odd.safetensors");
        var tensors = RandomInit.Create(ModelSpec.FromZoo("rexnet_100"), seed: 1).Append(new TensorData("evil\nname\u001b[2J", [1], [0f]));
        SafeTensorsWriter.Write(path, tensors.ToArray());
        Fails(1, RunArgs(weights: path), "unexpected tensor 'evil name [2J' with shape [1]");
    }

    [Fact]
    public void InitWithABadSeed() =>
        Fails(2, ["init", "--model", "rexnet_100", "--seed", "-1", "--output", Output], "--seed must be an integer in [0, 2147483647], got '-1'");

    [Fact]
    public void InitWithAnUnknownModel() =>
        Fails(2, ["init", "--model", "resnet50", "--output", _dir.File("w.safetensors")], "unknown model 'resnet50'");

    [Fact]
    public void InitWithoutModel() => Fails(2, ["init", "--output", _dir.File("w.safetensors")], "option '--model' is required");

    [Fact]
    public void PretrainedForAModelWithoutPublishedWeights() =>
        Fails(2, ["run", "--pretrained", "--model", "rexnetr_130", "--input", files.Input, "--output", Output],
            "rexnet run: --pretrained: timm publishes no pretrained weights for rexnetr_130");

    [Fact]
    public void WeightsAndPretrainedTogether() =>
        Fails(2, [.. RunArgs(), "--pretrained"], "rexnet run: give either --weights FILE or --pretrained, not both");

    [Fact]
    public void JsonAndOutputOnStandardOutputTogether() =>
        Fails(2, ["zoo", "--json", "--output", "-"], "rexnet zoo: --json and --output - both write the JSON to standard output");

    [Fact]
    public void ReportOutputOfAnUnknownFormat() =>
        Fails(2, ["zoo", "--output", _dir.File("zoo.txt")], "--output", "zoo.txt: name a .json or .csv file");

    [Fact]
    public void SizeWithHeight() =>
        Fails(2, ["bench", "--size", "64", "--height", "64", "--width", "64"], "rexnet bench: give --size N for a square input or --height H --width W, not both");

    [Fact]
    public void HeightWithoutWidth() => Fails(2, ["bench", "--height", "64"], "rexnet bench: --height needs --width");

    [Fact]
    public void BenchWithABatchOfZero() =>
        Fails(2, ["bench", "--batch", "0"], "rexnet bench: --batch must be a comma-separated list of integers in [1, 256], got '0'");

    [Fact]
    public void ZooWithAStrayArgument() => Fails(2, ["zoo", "--json", "extra"], "rexnet zoo: unexpected argument 'extra'");
}
