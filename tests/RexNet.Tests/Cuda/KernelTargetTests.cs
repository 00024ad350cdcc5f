using RexNet.Cuda;

namespace RexNet.Tests.Cuda;

public class KernelTargetTests
{
    private static readonly int[] Nvrtc118 = [35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90];

    [Fact]
    public void KnownArchitectureGetsACubin()
    {
        var t = KernelTarget.Choose(86, Nvrtc118);
        Assert.True(t.IsCubin);
        Assert.Equal("-arch=sm_86", t.ArchOption);
    }

    [Fact]
    public void NewerGpuGetsPtxOfTheNewestOlderArchitecture()
    {
        var t = KernelTarget.Choose(120, Nvrtc118);
        Assert.False(t.IsCubin);
        Assert.Equal(90, t.CompileArch);
        Assert.Equal("-arch=compute_90", t.ArchOption);
    }

    [Fact]
    public void UnknownSupportListTriesTheCubin() => Assert.True(KernelTarget.Choose(100, null).IsCubin);

    [Fact]
    public void GpuOlderThanAnythingNvrtcEmitsIsRefused()
    {
        var e = Assert.Throws<RexNetException>(() => KernelTarget.Choose(30, Nvrtc118));
        Assert.Contains("sm_30", e.Message);
    }

    [Fact]
    public void OptionsHaveNoFastMathAndAskPtxasForResourceUsageOnlyForCubin()
    {
        var cubin = KernelCompileOptions.For(KernelTarget.Choose(80, Nvrtc118));
        Assert.Equal(["-arch=sm_80", "-std=c++17", "-default-device", "-lineinfo", "--ptxas-options=-v"], cubin);
        var ptx = KernelCompileOptions.For(KernelTarget.Choose(100, Nvrtc118));
        Assert.DoesNotContain("--ptxas-options=-v", ptx);
        Assert.DoesNotContain(ptx, o => o.Contains("fast", StringComparison.Ordinal));
    }
}
