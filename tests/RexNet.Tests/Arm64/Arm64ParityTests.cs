using System.Text.Json;
using RexNet.IO;
using RexNet.Tests.CApi;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Arm64;

/// <summary>
/// The CPU engine on ARM64 (its 128-bit AdvSimd paths), under qemu-aarch64-static: the published CLI and
/// the cross-compiled NativeAOT librexnet.so against timm's outputs in ../shared/parity, within 1e-5, and
/// image files through the arm64 decoder bundled with it.
/// A few cases only: qemu runs these some ten times slower than the host.
/// </summary>
public class Arm64ParityTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Cases => CApiProgramTests.Cases;

    [Theory]
    [MemberData(nameof(Cases))]
    public void CliLogitsMatchTimm(string caseName)
    {
        string dir = CApiProgramTests.Case(caseName);
        string rexnet = Arm64Cli.Executable;
        using var tmp = TestPaths.TempDir();
        string output = tmp.File("logits.npy");
        string model = Model(dir);
        var result = NativeTarget.Arm64.Execute(rexnet,
            ["run", "--model", model, "--weights", Path.Combine(dir, "weights.safetensors"),
             "--input", Path.Combine(dir, "input.npy"), "--output", output, "--device", "cpu"],
            TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        var (_, logits) = NpyFile.ReadFloat32(output);
        var (_, expected) = NpyFile.ReadFloat32(Path.Combine(dir, "logits.npy"));
        Compare.Close(logits, expected, Tolerance, $"{caseName} logits on linux-arm64");
    }

    [Fact]
    public void CliFeaturesMatchTimm()
    {
        string dir = CApiProgramTests.Case("rexnetr_100_b1_192x160");
        string rexnet = Arm64Cli.Executable;
        using var tmp = TestPaths.TempDir();
        string output = tmp.File("features.npy");
        var result = NativeTarget.Arm64.Execute(rexnet,
            ["run", "--model", Model(dir), "--weights", Path.Combine(dir, "weights.safetensors"),
             "--input", Path.Combine(dir, "input.npy"), "--output", output, "--features", "--device", "cpu"],
            TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        var (_, features) = NpyFile.ReadFloat32(output);
        using var reference = SafeTensorsFile.Open(Path.Combine(dir, "activations.safetensors"));
        Compare.Close(features, reference.ReadFloat32("pool"), Tolerance, "pooled features on linux-arm64");
    }

    [Fact]
    public void CApiLibraryMatchesTimm()
    {
        string dir = CApiProgramTests.Case("rexnetr_100_b1_192x160");
        var build = CApiBuild.For(NativeTarget.Arm64);
        CApiProgramTests.Passes(build.Run(build.Compile("tests/capi_test.c"), "parity", dir));
    }

    [Fact]
    public void CApiLibraryReportsErrors()
    {
        string dir = CApiProgramTests.Case("rexnetr_100_b1_192x160");
        string images = CApiProgramTests.Images;
        var build = CApiBuild.For(NativeTarget.Arm64);
        using var tmp = TestPaths.TempDir();
        CApiProgramTests.Passes(build.Run(build.Compile("tests/capi_test.c"), "errors", dir, images, tmp.Path));
    }

    [Fact]
    public void CApiLibraryDecodesImagesWithItsBundledDecoder()
    {
        string dir = CApiProgramTests.Case("rexnet_100_b2_224");
        string images = CApiProgramTests.Images;
        var build = CApiBuild.For(NativeTarget.Arm64);
        Assert.True(File.Exists(Path.Combine(build.Library, "libSkiaSharp.so")), "build.sh did not put libSkiaSharp.so next to librexnet.so");
        CApiProgramTests.Passes(build.Run(build.Compile("tests/capi_test.c"), "classify", dir, images, CApiProgramTests.Formats));
    }

    private static string Model(string dir)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        return json.RootElement.GetProperty("model").GetString()!;
    }
}
