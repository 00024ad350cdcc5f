using RexNet.Native.Driver;
using RexNet.Native.Errors;
using RexNet.Native.Loading;

namespace RexNet.Cuda;

/// <summary>
/// Whether this machine can run the CUDA backend, checked in the order a user would fix things: driver,
/// a device, NVRTC, cuBLAS. Each check loads a library or asks the driver; nothing is allocated on a GPU.
/// </summary>
internal static class CudaSupport
{
    /// <summary>Null when CUDA is usable, else what is missing in one line, e.g. "no NVIDIA driver (libcuda.so.1 not found)".</summary>
    public static string? FindProblem()
    {
        if (!NativeLibraryLoader.TryLoad(CudaLibrary.Driver, out _, out _))
        {
            return $"no NVIDIA driver ({(OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1")} not found)";
        }
        try
        {
            if (CudaDevices.Count() == 0)
            {
                return "the NVIDIA driver found no CUDA device";
            }
        }
        catch (CudaException e)
        {
            return "the NVIDIA driver is unusable: " + e.Message;
        }
        if (!NativeLibraryLoader.TryLoad(CudaLibrary.Nvrtc, out _, out var nvrtc))
        {
            return "NVRTC not found, so the kernels cannot be compiled: " + nvrtc!.Message;
        }
        if (!NativeLibraryLoader.TryLoad(CudaLibrary.Cublas, out _, out var cublas))
        {
            return "cuBLAS not found: " + cublas!.Message;
        }
        return null;
    }

    /// <summary>Driver statuses that mean "no usable GPU here" rather than "the GPU failed": Auto then
    /// falls back to the CPU. Out of memory is not among them; a full GPU is reported, not hidden.</summary>
    public static bool MeansUnavailable(CudaException e) =>
        e.Api == CudaApi.Driver && (CuResult)e.Status is CuResult.CUDA_ERROR_NO_DEVICE or CuResult.CUDA_ERROR_DEVICE_UNAVAILABLE
            or CuResult.CUDA_ERROR_NOT_INITIALIZED or CuResult.CUDA_ERROR_STUB_LIBRARY or CuResult.CUDA_ERROR_NO_BINARY_FOR_GPU
            or CuResult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION or CuResult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND
            or CuResult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH or CuResult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE;
}

/// <summary>CUDA was asked for explicitly and cannot be used; the message names what is missing.</summary>
internal sealed class CudaUnavailableException(string message, Exception? inner = null)
    : RexNetException(RexNetErrorCode.DeviceUnavailable, message, inner);
