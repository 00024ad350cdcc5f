using System.Security.Cryptography;
using System.Text.Json;
using RexNet.IO;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cli;

/// <summary>
/// No command destroys a user's file: an output that is one of the command's inputs (by name, link or hard
/// link) is refused with one line naming both; a missing output folder fails before the work; links, pipes,
/// "-" and /dev/stdout receive the data instead of being replaced.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class OutputSafetyTests(CliModelFiles files) : IDisposable
{
    private readonly TempDir _dir = TestPaths.TempDir();

    public void Dispose() => _dir.Dispose();

    private static string SharedImage(string name) => Path.Combine(TestPaths.RequireSharedFolder(TestPaths.Images), name);

    /// <summary>A copy of an input in the test's own folder, so that a failed refusal cannot damage the shared one.</summary>
    private string Copy(string source, string name)
    {
        string path = _dir.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(source, path);
        return path;
    }

    private string Garbage(string name)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, "this is not what the command expects, and reading it would fail");
        return path;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The command exits 2 with one line naming the output and the input, and the input is untouched.</summary>
    private static void Refused(string output, string input, params string[] args)
    {
        string before = Hash(input);
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}");
        string line = Assert.Single(r.StderrLines);
        Assert.Equal($"rexnet {args[0]}: output {output} is the input {input}; refusing to overwrite an input, choose another output file", line);
        Assert.Equal(before, Hash(input));
        Assert.Empty(r.StdoutBytes);
    }

    [Fact]
    public void RunRefusesToOverwriteItsWeightsOrItsInput()
    {
        string weights = Copy(files.Rexnet100, "w.safetensors");
        string input = Copy(files.Input, "x.npy");
        Refused(weights, weights, "run", "--weights", weights, "--input", input, "--output", weights);
        Refused(input, input, "run", "--weights", weights, "--input", input, "--output", input);

        string link = _dir.File("link.npy");
        File.CreateSymbolicLink(link, weights);
        Refused(link, weights, "run", "--weights", weights, "--input", input, "--output", link);
        string hard = _dir.File("hard.npy");
        Posix.HardLink(input, hard);
        Refused(hard, input, "run", "--weights", weights, "--input", input, "--output", hard);
    }

    [Fact]
    public void PreprocessRefusesToOverwriteItsImage()
    {
        string image = Copy(SharedImage("chelsea.png"), "chelsea.png");
        Refused(image, image, "preprocess", image, "--output", image);
    }

    [Fact]
    public void ExportOnnxRefusesToOverwriteItsWeightsOrLabels()
    {
        string weights = Copy(files.Rexnet100, "w.safetensors");
        Refused(weights, weights, "export-onnx", "--model", "rexnet_100", "--weights", weights, "--output", weights);
        string labels = _dir.File("labels.txt");
        File.WriteAllLines(labels, Enumerable.Range(0, 1000).Select(i => $"label {i}"));
        Refused(labels, labels, "export-onnx", "--weights", weights, "--labels", labels, "--output", labels);
    }

    [Fact]
    public void EvalAndPredictRefuseToWriteTheirReportOverAnyInput()
    {
        // A report's format follows its extension, so these inputs have .json and .csv names.
        string weights = Copy(files.Rexnet100, "w.json");
        string image = Copy(SharedImage("chelsea.png"), "data/281/chelsea.png");
        string list = _dir.File("list.json");
        File.WriteAllText(list, "281/chelsea.png 281\n");
        string root = _dir.File("data");
        Refused(weights, weights, "eval", root, "--weights", weights, "--output", weights, "--size", "32");
        Refused(list, list, "eval", root, "--list", list, "--weights", weights, "--output", list, "--size", "32");
        string csv = Copy(SharedImage("chelsea.png"), "data/281/chelsea.csv");
        Refused(csv, csv, "predict", image, csv, "--weights", weights, "--output", csv, "--size", "32");
    }

    [Fact]
    public void RunOnnxRefusesToOverwriteItsModelOrInput()
    {
        // Refused before either file is read, so neither needs to be valid.
        string onnx = Garbage("m.onnx");
        string input = Garbage("x.npy");
        Refused(onnx, onnx, "run-onnx", "--onnx", onnx, "--input", input, "--output", onnx);
        Refused(input, input, "run-onnx", "--onnx", onnx, "--input", input, "--output", input);
    }

    /// <summary>Each command with an output in a missing folder, and inputs it would fail on (or a size its
    /// engine refuses) once it started working: the error it gives shows which check came first.</summary>
    public static TheoryData<string, string[]> MissingFolder => new()
    {
        { "run", ["run", "--weights", "{garbage}", "--input", "{garbage}", "--output", "{missing}"] },
        { "preprocess", ["preprocess", "{garbage}", "--output", "{missing}"] },
        { "export-onnx", ["export-onnx", "--model", "rexnet_100", "--weights", "{garbage}", "--output", "{missing}"] },
        { "eval", ["eval", "{data}", "--weights", "{garbage}", "--output", "{missing}.json"] },
        { "predict", ["predict", "{data}", "--weights", "{garbage}", "--output", "{missing}.csv"] },
        { "bench", ["bench", "--batch", "256", "--size", "4096", "--device", "cpu", "--output", "{missing}.json"] },
        { "bench-onnx", ["bench-onnx", "--batch", "256", "--size", "4096", "--output", "{missing}.csv"] },
        { "zoo", ["zoo", "--output", "{missing}.csv"] },
        { "doctor", ["doctor", "--output", "{missing}.json"] },
        { "init", ["init", "--model", "rexnet_100", "--output", "{missing}"] },
        { "run-onnx", ["run-onnx", "--onnx", "{garbage}", "--input", "{garbage}", "--output", "{missing}"] },
    };

    [Theory]
    [MemberData(nameof(MissingFolder))]
    public void AMissingOutputFolderIsRefusedBeforeTheWork(string command, string[] template)
    {
        string garbage = Garbage("garbage.bin");
        Copy(SharedImage("chelsea.png"), "data/281/chelsea.png");
        string missing = _dir.File("absent/out.bin");
        string[] args = template.Select(a => a.Replace("{garbage}", garbage).Replace("{missing}", missing).Replace("{data}", _dir.File("data"))).ToArray();
        string output = args[Array.IndexOf(args, "--output") + 1];
        var r = CliRunner.Run(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"rexnet {command}: {output}: output directory '{_dir.File("absent")}' does not exist", Assert.Single(r.StderrLines));
        Assert.False(Directory.Exists(_dir.File("absent")));
    }

    private (int[] Shape, float[] Data) RunToFile()
    {
        string output = _dir.File("reference.npy");
        var r = CliRunner.Run("run", "--weights", files.Rexnet100, "--input", files.Input, "--output", output, "--device", "cpu");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return NpyFile.ReadFloat32(output);
    }

    [Theory]
    [InlineData("-")]
    [InlineData("/dev/stdout")]
    public void RunWritesItsNpyToStandardOutput(string name)
    {
        var r = CliRunner.Run("run", "--weights", files.Rexnet100, "--input", files.Input, "--output", name, "--device", "cpu");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var (shape, data) = NpyFile.ReadFloat32(new MemoryStream(r.StdoutBytes), "stdout");
        var expected = RunToFile();
        Assert.Equal(expected.Shape, shape);
        Assert.Equal(expected.Data, data);
        Assert.EndsWith($"-> {name} [2, 1000]", Assert.Single(r.StderrLines));
        Assert.False(File.Exists("-"));
    }

    [Fact]
    public void InitAndExportOnnxWriteTheSameBytesToStandardOutputAsToAFile()
    {
        string file = _dir.File("w.safetensors");
        Assert.Equal(0, CliRunner.Run("init", "--model", "rexnet_100", "--seed", "4", "--output", file).ExitCode);
        var init = CliRunner.Run("init", "--model", "rexnet_100", "--seed", "4", "--output", "-");
        Assert.Equal(0, init.ExitCode);
        Assert.Equal(File.ReadAllBytes(file), init.StdoutBytes);
        Assert.StartsWith("wrote -: rexnet_100", init.Stderr);

        string onnx = _dir.File("m.onnx");
        Assert.Equal(0, CliRunner.Run("export-onnx", "--weights", file, "--output", onnx).ExitCode);
        var export = CliRunner.Run("export-onnx", "--weights", file, "--output", "-");
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Equal(File.ReadAllBytes(onnx), export.StdoutBytes);
        Assert.StartsWith("wrote -: rexnet_100", export.Stderr);
    }

    [Fact]
    public void EvalAndBenchPutOnlyTheirJsonOnStandardOutput()
    {
        Copy(SharedImage("chelsea.png"), "data/281/chelsea.png");
        var eval = CliRunner.Run("eval", _dir.File("data"), "--weights", files.Rexnet100, "--size", "32", "--device", "cpu", "--output", "-");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using (var json = JsonDocument.Parse(eval.Stdout))
        {
            Assert.Equal(1, json.RootElement.GetProperty("evaluated").GetInt32());
        }
        Assert.Contains("top-1", eval.Stderr);

        var bench = CliRunner.Run("bench", "--batch", "1", "--size", "32", "--runs", "2", "--warmup", "0", "--device", "cpu", "--json");
        Assert.True(bench.ExitCode == 0, bench.Stderr);
        using (var json = JsonDocument.Parse(bench.Stdout))
        {
            Assert.Equal(1, json.RootElement.GetProperty("results").GetArrayLength());
        }
        Assert.Contains("p50", bench.Stderr);

        var onnx = CliRunner.Run("bench-onnx", "--batch", "1", "--size", "32", "--runs", "2", "--warmup", "0", "--output", "-");
        Assert.True(onnx.ExitCode == 0, onnx.Stderr);
        using (var json = JsonDocument.Parse(onnx.Stdout))
        {
            Assert.Equal(2, json.RootElement.GetProperty("results").GetArrayLength());
        }
        Assert.False(File.Exists("-"));
    }

    [Fact]
    public void ALinkedOutputStaysALinkAndItsTargetGetsTheLogits()
    {
        Directory.CreateDirectory(_dir.File("results"));
        string target = _dir.File("results/y.npy");
        File.WriteAllText(target, "old");
        string link = _dir.File("latest.npy");
        File.CreateSymbolicLink(link, "results/y.npy");
        var r = CliRunner.Run("run", "--weights", files.Rexnet100, "--input", files.Input, "--output", link, "--device", "cpu");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("results/y.npy", new FileInfo(link).LinkTarget);
        Assert.Equal(RunToFile().Data, NpyFile.ReadFloat32(target).Data);
    }

    [Fact]
    public async Task ANamedPipeOutputIsWrittenIntoNotReplaced()
    {
        string fifo = Posix.Fifo(_dir);
        var reader = Posix.ReadAllAsync(fifo);
        var r = CliRunner.Run("run", "--weights", files.Rexnet100, "--input", files.Input, "--output", fifo, "--device", "cpu");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var (_, data) = NpyFile.ReadFloat32(new MemoryStream(await reader), "pipe");
        Assert.Equal(RunToFile().Data, data);
        Assert.Equal(FileKind.Other, FileStatus.Of(fifo).Kind);
    }
}
