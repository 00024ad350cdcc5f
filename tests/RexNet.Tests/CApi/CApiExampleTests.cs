using System.Globalization;
using RexNet.Imaging;
using RexNet.Tests.Support;

namespace RexNet.Tests.CApi;

/// <summary>The README's C example and the C++ example, built and run on a real photo; what they print is
/// what the library itself predicts in-process.</summary>
public class CApiExampleTests
{
    private static string Weights => Path.Combine(CApiProgramTests.Case("rexnet_100_b2_224"), "weights.safetensors");

    private static IReadOnlyList<Prediction> InProcess(string image, int top)
    {
        using var engine = RexNetEngine.Create(new EngineOptions { Model = "rexnet_100", Weights = Weights, Device = DeviceKind.Cpu });
        return engine.Classify(image, top);
    }

    [Fact]
    public void CExamplePrintsTheLibrarysTopFive()
    {
        string image = Path.Combine(CApiProgramTests.Images, "chelsea.png");
        var build = CApiBuild.For(NativeTarget.X64);
        var result = build.Run(build.Compile("examples/classify.c"), Weights, image);
        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = InProcess(image, 5)
            .Select(p => $"{(100 * p.Probability).ToString("F2", CultureInfo.InvariantCulture),6}%  {p.Label}");
        Assert.Equal(expected, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void CExampleSaysWhatIsWrong()
    {
        var build = CApiBuild.For(NativeTarget.X64);
        string program = build.Compile("examples/classify.c");
        var missing = build.Run(program, Weights, "/nonexistent/cat.jpg");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("classify: /nonexistent/cat.jpg: file not found", missing.Stderr.Trim());
        var usage = build.Run(program);
        Assert.Equal(1, usage.ExitCode);
        Assert.Contains("usage: classify WEIGHTS IMAGE", usage.Stderr);
    }

    [Fact]
    public void CppExampleClassifiesSeveralImages()
    {
        string cat = Path.Combine(CApiProgramTests.Images, "chelsea.png");
        string rocket = Path.Combine(CApiProgramTests.Images, "rocket.jpg");
        var build = CApiBuild.For(NativeTarget.X64);
        var result = build.Run(build.Compile("examples/classify.cpp"), Weights, cat, rocket, "--top", "3", "--device", "cpu", "--threads", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rexnet ", lines[0]);
        Assert.Contains("on cpu (CPU requested), 1000 classes", lines[0]);
        Assert.Equal(cat, lines[1]);
        Assert.Equal(rocket, lines[5]);
        var expected = InProcess(cat, 3).Concat(InProcess(rocket, 3)).Select(p => $"{p.ClassIndex,4} {p.Synset}").ToArray();
        var printed = lines.Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l[2..16]).ToArray();
        Assert.Equal(expected, printed);
    }

    [Fact]
    public void CppExampleReportsTheErrorAndItsStatus()
    {
        var build = CApiBuild.For(NativeTarget.X64);
        var result = build.Run(build.Compile("examples/classify.cpp"), "/nonexistent/model.safetensors", "cat.jpg");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("classify_cpp: /nonexistent/model.safetensors: file not found (status 3)", result.Stderr.Trim());
    }
}
