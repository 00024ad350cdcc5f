using System.Text;
using RexNet.Cuda;
using RexNet.Native.Nvrtc;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>Real NVRTC compiles; they run in CI (Debian's NVRTC 11.8) and need no GPU.</summary>
public class NvrtcCompileTests
{
    private static string TestKernel(string name) => File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "cuda-mock", "test-kernels", name));

    /// <summary>tests/cuda-mock/test-kernels: a kernel with a header, which the mock driver's emulation also holds.</summary>
    internal static readonly KernelSources SaxpySources =
        new([new KernelSource("saxpy.cu", TestKernel("saxpy.cu"))], [new KernelSource("scale.cuh", TestKernel("scale.cuh"))]);

    public static TheoryData<int> Archs => [70, 80, 86, 89, 90];

    [Fact]
    public void VersionIsAtLeast11Point2()
    {
        var nvrtc = CudaAvailability.RequireNvrtc();
        Assert.True(nvrtc.Version >= new Version(11, 2), $"NVRTC {nvrtc.Version}");
        Assert.NotNull(nvrtc.SupportedArchs);
        Assert.Contains(80, nvrtc.SupportedArchs!);
    }

    [Fact]
    public void CompilesToPtxForAVirtualArchitecture()
    {
        var nvrtc = CudaAvailability.RequireNvrtc();
        var compiler = new KernelCompiler(nvrtc, SaxpySources, cache: null);
        var kernel = compiler.Compile(SaxpySources.Sources[0], new KernelTarget(80, 80, IsCubin: false));

        string ptx = Encoding.UTF8.GetString(kernel.Image).TrimEnd('\0');
        Assert.Equal(0, kernel.Image[^1]);
        Assert.Contains(".target sm_80", ptx);
        Assert.Contains(".entry saxpy", ptx);
        Assert.Empty(kernel.ResourceUsage);
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void CompilesToCubinWithResourceReport(int arch)
    {
        var nvrtc = CudaAvailability.RequireNvrtc();
        if (!nvrtc.SupportedArchs!.Contains(arch))
        {
            Assert.Skip($"NVRTC {nvrtc.Version} cannot emit sm_{arch}");
        }
        var compiler = new KernelCompiler(nvrtc, SaxpySources, cache: null);
        var kernel = compiler.Compile("saxpy.cu", arch);

        Assert.True(kernel.Target.IsCubin);
        Assert.Equal("\u007fELF"u8.ToArray(), kernel.Image[..4]);
        var usage = Assert.Single(kernel.ResourceUsage);
        Assert.Equal("saxpy", usage.Kernel);
        Assert.Equal($"sm_{arch}", usage.Arch);
        Assert.InRange(usage.Registers, 1, 255);
        Assert.False(usage.Spills);
    }

    [Fact]
    public void CompileErrorCarriesTheLog()
    {
        var nvrtc = CudaAvailability.RequireNvrtc();
        var sources = new KernelSources([new KernelSource("broken.cu", "extern \"C\" __global__ void k() { undeclared_thing = 1; }")], []);
        var e = Assert.Throws<KernelCompilationException>(() => new KernelCompiler(nvrtc, sources, null).Compile("broken.cu", 80));
        Assert.Contains("broken.cu", e.Log);
        Assert.Contains("undeclared_thing", e.Log);
        Assert.Contains("undeclared_thing", e.Message);
    }

    [Fact]
    public void NoFastMathByDefault()
    {
        var nvrtc = CudaAvailability.RequireNvrtc();
        var sources = new KernelSources([new KernelSource("e.cu", "extern \"C\" __global__ void e(float* x) { x[0] = expf(x[0]) / x[1]; }")], []);
        var compiler = new KernelCompiler(nvrtc, sources, null);
        string exact = Encoding.UTF8.GetString(compiler.Compile(sources.Sources[0], new KernelTarget(80, 80, false)).Image);
        string fast = Encoding.UTF8.GetString(compiler.Compile(sources.Sources[0], new KernelTarget(80, 80, false), ["--use_fast_math"]).Image);
        // Fast math turns the IEEE-rounded division into an approximate one.
        Assert.Contains("div.rn.f32", exact);
        Assert.DoesNotContain("div.approx", exact);
        Assert.Contains("div.approx", fast);
    }

    [Fact]
    public void NameExpressionsGiveLoweredTemplateNames()
    {
        CudaAvailability.RequireNvrtc();
        using var program = new NvrtcProgram("template <int N> __global__ void fill(float* x) { x[threadIdx.x] = N; }", "t.cu", []);
        program.AddNameExpression("fill<3>");
        Assert.True(program.Compile(["-arch=compute_80", "-std=c++17"]));
        string lowered = program.GetLoweredName("fill<3>");
        Assert.StartsWith("_Z", lowered);
        Assert.Contains(lowered, Encoding.UTF8.GetString(program.Ptx()));
    }
}
