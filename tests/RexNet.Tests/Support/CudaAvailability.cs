using RexNet.Cuda;
using RexNet.Native.Driver;
using RexNet.Native.Loading;

namespace RexNet.Tests.Support;

/// <summary>
/// Gates for tests that need NVRTC or a GPU. NVRTC is installable without a GPU (CI installs Debian's
/// libnvrtc11.2), so its absence fails under REXNET_REQUIRE_PARITY=1. "A GPU" is a real one or the mock
/// driver (<see cref="CudaTestDevice"/>), which CI builds with g++: so GPU tests skip only where neither
/// exists, and fail instead under REXNET_REQUIRE_PARITY=1.
/// </summary>
internal static class CudaAvailability
{
    private static readonly Lazy<string?> NvrtcProblem = new(() =>
        NativeLibraryLoader.TryLoad(CudaLibrary.Nvrtc, out _, out var failure) ? null : failure!.Message);

    private static readonly Lazy<string?> GpuProblem = new(FindGpuProblem);

    public static NvrtcRuntimeCompiler RequireNvrtc()
    {
        if (NvrtcProblem.Value is { } problem)
        {
            string message = "NVRTC is not available: " + problem;
            if (TestPaths.ParityRequired)
            {
                Assert.Fail(message + " (REXNET_REQUIRE_PARITY=1: install libnvrtc11.2 from Debian non-free, see .ci/run)");
            }
            Assert.Skip(message);
        }
        return new NvrtcRuntimeCompiler();
    }

    /// <summary>Skips unless a CUDA device (real or mock) and cuBLAS are usable; fails instead under REXNET_REQUIRE_PARITY=1.</summary>
    public static void RequireGpu()
    {
        string? problem = CudaTestDevice.Target == CudaTestTarget.None ? CudaTestDevice.MockProblem : GpuProblem.Value;
        if (problem is null)
        {
            return;
        }
        if (TestPaths.ParityRequired)
        {
            Assert.Fail($"no usable GPU or mock driver ({problem}) and REXNET_REQUIRE_PARITY=1: the mock needs g++, see tests/cuda-mock/README.md");
        }
        Assert.Skip("no usable GPU: " + problem);
    }

    public static bool GpuPresent => GpuProblem.Value is null;

    private static string? FindGpuProblem()
    {
        if (!NativeLibraryLoader.TryLoad(CudaLibrary.Driver, out _, out var failure))
        {
            return failure!.Message;
        }
        try
        {
            if (CudaDevices.Count() == 0)
            {
                return "the driver reports no CUDA device";
            }
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
        return NativeLibraryLoader.TryLoad(CudaLibrary.Cublas, out _, out var cublas) ? null : cublas!.Message;
    }
}
