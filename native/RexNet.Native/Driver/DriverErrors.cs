using System.Runtime.InteropServices;
using RexNet.Native.Errors;
using RexNet.Native.Loading;

namespace RexNet.Native.Driver;

/// <summary>Turns a CUresult into a <see cref="CudaException"/> with the driver's own name and description.</summary>
internal static class DriverErrors
{
    public static string Name(CuResult result)
    {
        string? fromDriver = Ask(result, describe: false);
        return fromDriver ?? (Enum.IsDefined(result) ? result.ToString() : $"CUresult {(int)result}");
    }

    public static string Describe(CuResult result) => Ask(result, describe: true) ?? "no description (driver not loaded or code unknown to it)";

    public static CudaException ToException(CuResult result, string call, string? detail = null) =>
        new(CudaApi.Driver, call, (int)result, Name(result), Describe(result), detail);

    /// <summary>Throws for any status but success; for calls made without a context (cuInit, device queries).</summary>
    public static void Check(CuResult result, string call)
    {
        if (result != CuResult.CUDA_SUCCESS)
        {
            throw ToException(result, call);
        }
    }

    private static string? Ask(CuResult result, bool describe)
    {
        try
        {
            var status = describe ? CuDriver.cuGetErrorString(result, out IntPtr text) : CuDriver.cuGetErrorName(result, out text);
            return status == CuResult.CUDA_SUCCESS && text != IntPtr.Zero ? Marshal.PtrToStringUTF8(text) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CudaLibraryNotFoundException)
        {
            return null;
        }
    }
}
