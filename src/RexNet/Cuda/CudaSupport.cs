using RexNet.Native.Driver;
using RexNet.Native.Loading;

namespace RexNet.Cuda;

/// <summary>
/// Whether this machine can run the CUDA backend, checked in the order a user would fix things: driver,
/// a device, NVRTC, cuBLAS (only when the GEMMs run through it). Each check loads a library or asks the
/// driver; nothing is allocated on a GPU.
/// </summary>
public static class CudaSupport
{
    /// <summary>Null when CUDA is usable, else what is missing in one line, e.g. "no NVIDIA driver (libcuda.so.1 not found)".</summary>
    public static string? FindProblem(bool needsCublas = true)
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
        catch (InvalidOperationException e)
        {
            return "the NVIDIA driver is unusable: " + e.Message;
        }
        if (!NativeLibraryLoader.TryLoad(CudaLibrary.Nvrtc, out _, out var nvrtc))
        {
            return "NVRTC not found, so the kernels cannot be compiled: " + nvrtc!.Message;
        }
        if (needsCublas && !NativeLibraryLoader.TryLoad(CudaLibrary.Cublas, out _, out var cublas))
        {
            return "cuBLAS not found: " + cublas!.Message;
        }
        return null;
    }
}

/// <summary>CUDA was asked for explicitly and cannot be used; the message names what is missing.</summary>
public sealed class CudaUnavailableException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
