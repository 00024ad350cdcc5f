using RexNet.Native.Cublas;
using RexNet.Native.Driver;
using RexNet.Native.Errors;
using RexNet.Native.Nvrtc;
using RexNet.Tests.Support;

namespace RexNet.Tests.Native;

public class CudaErrorTests
{
    [Fact]
    public void FailureNamesTheCallAndTheStatus()
    {
        var health = new ContextHealth();
        var e = Assert.Throws<CudaException>(() => health.Check(CuResult.CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc_v2", "4096 bytes"));
        Assert.Equal(CudaApi.Driver, e.Api);
        Assert.Equal("cuMemAlloc_v2", e.Call);
        Assert.Equal(2, e.Status);
        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.StatusName);
        Assert.StartsWith("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): ", e.Message);
        Assert.Contains("4096 bytes", e.Message);
        Assert.False(health.IsBroken);
        health.ThrowIfBroken();
    }

    [Fact]
    public void StickyErrorBreaksTheContextAndLaterCallsFailFastWithIt()
    {
        var health = new ContextHealth();
        Assert.Throws<CudaException>(() => health.Check(CuResult.CUDA_ERROR_ILLEGAL_ADDRESS, "cuStreamSynchronize"));
        Assert.True(health.IsBroken);

        var later = Assert.Throws<CudaContextBrokenException>(health.ThrowIfBroken);
        Assert.Contains("cuStreamSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS", later.Message);
        Assert.Equal(700, later.Status);

        // A second sticky error does not replace the first: the first is the cause.
        Assert.Throws<CudaException>(() => health.Check(CuResult.CUDA_ERROR_LAUNCH_FAILED, "cuLaunchKernel"));
        Assert.Equal("cuStreamSynchronize", health.BreakingError!.Call);
    }

    [Theory]
    [InlineData("CUDA_ERROR_ILLEGAL_ADDRESS", true)]
    [InlineData("CUDA_ERROR_LAUNCH_FAILED", true)]
    [InlineData("CUDA_ERROR_MISALIGNED_ADDRESS", true)]
    [InlineData("CUDA_ERROR_ASSERT", true)]
    [InlineData("CUDA_ERROR_OUT_OF_MEMORY", false)]
    [InlineData("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", false)]
    [InlineData("CUDA_ERROR_INVALID_VALUE", false)]
    public void StickyClassification(string result, bool sticky) => Assert.Equal(sticky, StickyErrors.IsSticky(Enum.Parse<CuResult>(result)));

    [Fact]
    public void StatusCodesHaveTheHeadersNumericValues()
    {
        Assert.Equal(100, (int)CuResult.CUDA_ERROR_NO_DEVICE);
        Assert.Equal(209, (int)CuResult.CUDA_ERROR_NO_BINARY_FOR_GPU);
        Assert.Equal(222, (int)CuResult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION);
        Assert.Equal(719, (int)CuResult.CUDA_ERROR_LAUNCH_FAILED);
        Assert.Equal(910, (int)CuResult.CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE);
        Assert.Equal(999, (int)CuResult.CUDA_ERROR_UNKNOWN);
        Assert.Equal(6, (int)NvrtcResult.NVRTC_ERROR_COMPILATION);
        Assert.Equal(11, (int)NvrtcResult.NVRTC_ERROR_INTERNAL_ERROR);
        Assert.Equal(13, (int)CublasStatus.CUBLAS_STATUS_EXECUTION_FAILED);
        Assert.Equal(16, (int)CublasStatus.CUBLAS_STATUS_LICENSE_ERROR);
        Assert.Equal(75, (int)CuDeviceAttribute.ComputeCapabilityMajor);
        Assert.Equal(77, (int)CublasComputeType.Compute32FFastTf32);
    }

    [Fact]
    public void NvrtcFailureCarriesNvrtcsDescription()
    {
        CudaAvailability.RequireNvrtc();
        var e = NvrtcErrors.ToException(NvrtcResult.NVRTC_ERROR_INVALID_OPTION, "nvrtcCompileProgram");
        Assert.Equal(CudaApi.Nvrtc, e.Api);
        Assert.Equal("NVRTC_ERROR_INVALID_OPTION", e.StatusName);
        Assert.Equal("NVRTC_ERROR_INVALID_OPTION", e.Description);
    }
}
