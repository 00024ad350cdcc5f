using RexNet.Cuda;

namespace RexNet.Tests.Cuda;

public class PtxasReportTests
{
    // NVRTC 11.8, two kernels, one calling a non-inlined device function.
    private const string Log118 = """
        ptxas info    : 0 bytes gmem
        ptxas info    : Compiling entry function 'conv' for 'sm_80'
        ptxas info    : Function properties for helper
        ptxas         .     16 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
        ptxas info    : Function properties for conv
        ptxas         .     40 bytes stack frame, 24 bytes spill stores, 32 bytes spill loads
        ptxas info    : Used 255 registers, 4096 bytes smem, 364 bytes cmem[0]
        ptxas info    : Compiling entry function 'add' for 'sm_80'
        ptxas info    : Function properties for add
        ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
        ptxas info    : Used 10 registers, 364 bytes cmem[0]
        """;

    [Fact]
    public void ParsesEveryEntryPoint()
    {
        var report = PtxasReport.Parse(Log118);
        Assert.Equal(2, report.Count);
        Assert.Equal(new KernelResourceUsage("conv", "sm_80", 255, 4096, 40, 24, 32), report[0]);
        Assert.True(report[0].Spills);
        Assert.Equal(new KernelResourceUsage("add", "sm_80", 10, 0, 0, 0, 0), report[1]);
        Assert.False(report[1].Spills);
    }

    [Fact]
    public void ToleratesNewerPtxasFields()
    {
        const string log = """
            ptxas info    : Compiling entry function 'k' for 'sm_90'
            ptxas info    : Function properties for k
                0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
            ptxas info    : Used 32 registers, used 1 barriers, 2048 bytes smem, 400 bytes cmem[0]
            """;
        Assert.Equal(new KernelResourceUsage("k", "sm_90", 32, 2048, 0, 0, 0), Assert.Single(PtxasReport.Parse(log)));
    }

    [Fact]
    public void LogWithoutPtxasLinesGivesNothing() => Assert.Empty(PtxasReport.Parse("warning: something\n"));
}
