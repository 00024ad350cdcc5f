using RexNet.Cli;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Onnx;

/// <summary>export-onnx and run-onnx from the command line: good runs, and one-line errors with no output file.</summary>
public class ExportOnnxCliTests
{
    private static readonly Lazy<string> WeightsFile = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("rexnet-onnx-cli-").FullName;
        string path = Path.Combine(dir, "rexnet_100.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_100"), seed: 2, path);
        return path;
    });

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var r = CliRunner.Run(args);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    [Fact]
    public void ExportThenRunOnnxMatchesRun()
    {
        using var tmp = TestPaths.TempDir();
        string onnx = tmp.File("m.onnx");
        var export = Run("export-onnx", "--model", "rexnet_100", "--weights", WeightsFile.Value, "--output", onnx, "--dynamic", "--opset", "13");
        Assert.True(export.Code == 0, export.Err);
        Assert.Contains("opset 13", export.Out);

        var rng = new Random(4);
        var x = Enumerable.Range(0, 2 * 3 * 64 * 48).Select(_ => (float)rng.NextDouble()).ToArray();
        NpyFile.WriteFloat32(tmp.File("x.npy"), [2, 3, 64, 48], x);
        var ort = Run("run-onnx", "--onnx", onnx, "--input", tmp.File("x.npy"), "--output", tmp.File("ort.npy"));
        Assert.True(ort.Code == 0, ort.Err);
        var ours = Run("run", "--model", "rexnet_100", "--weights", WeightsFile.Value, "--input", tmp.File("x.npy"), "--output", tmp.File("cpu.npy"), "--device", "cpu");
        Assert.True(ours.Code == 0, ours.Err);

        var (shape, a) = NpyFile.ReadFloat32(tmp.File("ort.npy"));
        var (_, b) = NpyFile.ReadFloat32(tmp.File("cpu.npy"));
        Assert.Equal([2, 1000], shape);
        Compare.Close(a, b, 1e-4, "run-onnx vs run");
    }

    [Fact]
    public void LabelsFileIsEmbedded()
    {
        using var tmp = TestPaths.TempDir();
        File.WriteAllLines(tmp.File("labels.txt"), Enumerable.Range(0, 1000).Select(i => $"label {i}"));
        var r = Run("export-onnx", "--model", "rexnet_100", "--weights", WeightsFile.Value, "--output", tmp.File("m.onnx"), "--labels", tmp.File("labels.txt"), "--keep-bn");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("labels embedded", r.Out);
        Assert.Contains("BatchNorm kept", r.Out);
    }

    public static TheoryData<string, string[], string> BadExports => new()
    {
        { "unknown flag", ["--fast"], "unknown option '--fast'" },
        { "opset too low", ["--opset", "10"], "--opset must be an integer in [11, 21]" },
        { "opset not a number", ["--opset", "x"], "--opset must be an integer" },
        { "dynamic with sizes", ["--dynamic", "--height", "128"], "--dynamic makes batch, height and width symbolic" },
        { "size too small", ["--width", "16"], "--width must be an integer in [32," },
        { "unknown model", ["--model", "rexnet_999"], "unknown model 'rexnet_999'" },
        { "missing weights", ["--weights", "/nonexistent/w.safetensors"], "file not found" },
        { "wrong model for weights", ["--model", "rexnet_130"], "weights do not match rexnet_130" },
        { "wrong model for weights, kept BN", ["--model", "rexnetr_100", "--keep-bn"], "weights do not match rexnetr_100" },
        { "labels of the wrong count", ["--labels", "LABELS"], "3 labels, but the model has 1000 classes" },
        { "missing output directory", ["--output", "/nonexistent-dir/m.onnx"], "does not exist" },
        { "positional argument", ["extra"], "unexpected argument 'extra'" },
    };

    [Theory]
    [MemberData(nameof(BadExports))]
    public void BadExportGivesOneLineErrorAndNoFile(string why, string[] extra, string expected)
    {
        using var tmp = TestPaths.TempDir();
        File.WriteAllLines(tmp.File("labels.txt"), ["a", "b", "c"]);
        var args = new Dictionary<string, string>
        {
            ["--model"] = "rexnet_100", ["--weights"] = WeightsFile.Value, ["--output"] = tmp.File("m.onnx"),
        };
        var list = new List<string>();
        for (int i = 0; i < extra.Length; i++)
        {
            string value = extra[i] == "LABELS" ? tmp.File("labels.txt") : extra[i];
            if (args.ContainsKey(value) && i + 1 < extra.Length)
            {
                args[value] = extra[++i];
            }
            else
            {
                list.Add(value);
            }
        }
        var r = Run(["export-onnx", .. args.SelectMany(kv => new[] { kv.Key, kv.Value }), .. list]);
        Assert.True(r.Code != 0, why);
        Assert.Contains(expected, r.Err);
        Assert.Equal(1, r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => !l.StartsWith("usage:", StringComparison.Ordinal)));
        Assert.Equal(["labels.txt"], Directory.GetFiles(tmp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void RunOnnxRejectsBadModelAndMismatchedInput()
    {
        using var tmp = TestPaths.TempDir();
        File.WriteAllText(tmp.File("junk.onnx"), "not a model");
        NpyFile.WriteFloat32(tmp.File("x.npy"), [1, 3, 40, 40], new float[3 * 40 * 40]);

        var junk = Run("run-onnx", "--onnx", tmp.File("junk.onnx"), "--input", tmp.File("x.npy"), "--output", tmp.File("y.npy"));
        Assert.Equal(1, junk.Code);
        Assert.Contains("ONNX Runtime cannot load it", junk.Err);
        Assert.Single(junk.Err.Trim().Split('\n'));

        var export = Run("export-onnx", "--model", "rexnet_100", "--weights", WeightsFile.Value, "--output", tmp.File("m.onnx"), "--height", "64", "--width", "64");
        Assert.True(export.Code == 0, export.Err);
        var mismatch = Run("run-onnx", "--onnx", tmp.File("m.onnx"), "--input", tmp.File("x.npy"), "--output", tmp.File("y.npy"));
        Assert.Equal(1, mismatch.Code);
        Assert.Contains("takes input [1, 3, 64, 64]", mismatch.Err);
        Assert.Single(mismatch.Err.Trim().Split('\n'));

        var missing = Run("run-onnx", "--onnx", tmp.File("none.onnx"), "--input", tmp.File("x.npy"), "--output", tmp.File("y.npy"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("file not found", missing.Err);
        Assert.False(File.Exists(tmp.File("y.npy")));
    }

    /// <summary>bench-onnx prints a row per engine and batch; the numbers themselves are not asserted.</summary>
    [Fact]
    public void BenchOnnxPrintsBothEngines()
    {
        var r = Run("bench-onnx", "--model", "rexnetr_100", "--batch", "1,2", "--size", "32", "--runs", "1", "--warmup", "0", "--threads", "1");
        Assert.True(r.Code == 0, r.Err);
        var rows = r.Out.Split('\n').Where(l => l.StartsWith("| 1 |", StringComparison.Ordinal) || l.StartsWith("| 2 |", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(2, rows.Count(l => l.Contains("ONNX Runtime", StringComparison.Ordinal)));

        var bad = Run("bench-onnx", "--batch", "0");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--batch must be", bad.Err);
    }
}
