using RexNet.Cuda;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>
/// Every kernels/*.cu embedded in RexNetCuda, compiled by NVRTC for every target GPU architecture,
/// with ptxas' registers and spills written to the test output.
/// </summary>
public class EmbeddedKernelsCompileTests
{
    /// <summary>Volta, Ampere (A100, consumer), Ada, Hopper.</summary>
    private static readonly int[] TargetArchs = [70, 80, 86, 89, 90];

    [Fact]
    public void EveryEmbeddedKernelCompilesForEveryTargetArchitecture()
    {
        var nvrtc = CudaAvailability.RequireNvrtc();
        var embedded = KernelSources.Embedded;
        string kernelsFolder = Path.Combine(TestPaths.RepoRoot, "kernels");
        var onDisk = Directory.Exists(kernelsFolder)
            ? Directory.GetFiles(kernelsFolder).Select(Path.GetFileName).Where(n => n!.EndsWith(".cu", StringComparison.Ordinal) || n.EndsWith(".cuh", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray()
            : [];
        // The csproj glob embeds exactly the files in kernels/.
        Assert.Equal(onDisk, embedded.Sources.Concat(embedded.Headers).Select(s => s.Name).Order(StringComparer.Ordinal).ToArray());

        // While kernels/ is empty the same path is exercised on a test source with a header.
        var sets = embedded.Sources.Count > 0 ? [embedded] : new[] { NvrtcCompileTests.SaxpySources };
        var output = TestContext.Current.TestOutputHelper;
        var failures = new List<string>();
        foreach (var sources in sets)
        {
            var compiler = new KernelCompiler(nvrtc, sources, cache: null);
            foreach (int arch in TargetArchs.Where(a => nvrtc.SupportedArchs?.Contains(a) != false))
            {
                foreach (var source in sources.Sources)
                {
                    try
                    {
                        var kernel = compiler.Compile(source, compiler.TargetFor(arch));
                        Assert.True(kernel.Target.IsCubin);
                        Assert.NotEmpty(kernel.ResourceUsage);
                        foreach (var usage in kernel.ResourceUsage)
                        {
                            output?.WriteLine($"{source.Name}: {usage}");
                        }
                    }
                    catch (KernelCompilationException e)
                    {
                        failures.Add(e.Message);
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
