using RexNet.Cuda;
using RexNet.Native.Driver;
using RexNet.Native.Loading;

namespace RexNet.Tests.Support;

/// <summary>
/// Gates for tests that need NVRTC or a GPU. NVRTC is installable without a GPU (CI installs Debian's
/// libnvrtc11.2), so its absence fails under REXNET_REQUIRE_PARITY=1; a GPU never exists in CI, so
/// GPU tests only ever skip.
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

    /// <summary>Skips (never fails: CI has no GPU) unless a CUDA device and cuBLAS are usable.</summary>
    public static void RequireGpu()
    {
        if (GpuProblem.Value is { } problem)
        {
            Assert.Skip("no usable GPU: " + problem);
        }
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
