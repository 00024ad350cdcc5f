using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.CApi;

/// <summary>
/// native/c-api/tests/capi_test.c (gcc -std=c99) and wrapper_test.cpp (g++ -std=c++11) against the
/// NativeAOT librexnet.so: parity with timm through the C ABI, every error path, threads, image files.
/// </summary>
public class CApiProgramTests
{
    public static TheoryData<string> Cases => ["rexnet_100_b2_224", "rexnetr_100_b1_192x160"];

    internal static string Case(string name) => TestPaths.RequireSharedFolder(Path.Combine(TestPaths.Parity, name));

    internal static string Images => TestPaths.RequireSharedFolder(TestPaths.Images);

    /// <summary>The PIL reference cases of every image format (32 x 32 timm tensors), kept in the repository.</summary>
    internal static string Formats => Path.Combine(TestPaths.RepoRoot, "tests", "RexNet.Tests", "Imaging", "PilReference");

    internal static void Passes(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0 && !result.Stdout.Contains("not ok", StringComparison.Ordinal), result.ToString());
        Assert.Contains("ok - ", result.Stdout);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogitsAndFeaturesMatchTimm(string caseName)
    {
        string dir = Case(caseName);
        var build = CApiBuild.For(NativeTarget.X64);
        Passes(build.Run(build.Compile("tests/capi_test.c"), "parity", dir));
    }

    [Fact]
    public void EveryErrorPathReturnsItsStatusAndMessage()
    {
        string dir = Case("rexnetr_100_b1_192x160");
        string images = Images;
        var build = CApiBuild.For(NativeTarget.X64);
        using var tmp = TestPaths.TempDir();
        Passes(build.Run(build.Compile("tests/capi_test.c"), "errors", dir, images, tmp.Path));
    }

    [Fact]
    public void EnginesRunOnSeveralThreadsAndAnEngineIsOneCallAtATime()
    {
        string dir = Case("rexnetr_100_b1_192x160");
        var build = CApiBuild.For(NativeTarget.X64);
        Passes(build.Run(build.Compile("tests/capi_test.c"), "threads", dir));
    }

    [Fact]
    public void ImageFilesOfEveryFormatClassifyAsTimmsTensorsDo()
    {
        string dir = Case("rexnet_100_b2_224");
        string images = Images;
        var build = CApiBuild.For(NativeTarget.X64);
        Passes(build.Run(build.Compile("tests/capi_test.c"), "classify", dir, images, Formats));
    }

    [Fact]
    public void AFineTunedHeadHasItsOwnClassesAndLabels()
    {
        string dir = Case("rexnetr_100_b1_192x160");
        using var tmp = TestPaths.TempDir();
        string head = tmp.File("head3.safetensors");
        using (var timm = SafeTensorsFile.Open(Path.Combine(dir, "weights.safetensors")))
        {
            var tensors = timm.ReadAllFloat32().Values.Select(t => t.Name switch
            {
                "head.fc.weight" => t with { Shape = [3, t.Shape[1]], Data = t.Data[..(3 * t.Shape[1])] },
                "head.fc.bias" => t with { Shape = [3], Data = t.Data[..3] },
                _ => t,
            }).ToArray();
            SafeTensorsWriter.Write(head, tensors, null, new Dictionary<string, string> { ["rexnet.labels"] = """["ok","défaut","chat"]""" });
        }
        var build = CApiBuild.For(NativeTarget.X64);
        Passes(build.Run(build.Compile("tests/capi_test.c"), "head", dir, head));
    }

    [Fact]
    public void CppWrapperOwnsTheEngineAndThrowsTheStatus()
    {
        string dir = Case("rexnetr_100_b1_192x160");
        string images = Images;
        var build = CApiBuild.For(NativeTarget.X64);
        Passes(build.Run(build.Compile("tests/wrapper_test.cpp"), dir, images));
    }
}
