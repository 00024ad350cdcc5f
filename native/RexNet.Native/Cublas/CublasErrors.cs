using System.Runtime.InteropServices;
using RexNet.Native.Errors;
using RexNet.Native.Loading;

namespace RexNet.Native.Cublas;

/// <summary>Turns a cublasStatus_t into a <see cref="CudaException"/>.</summary>
internal static class CublasErrors
{
    public static void Check(CublasStatus status, string call, string? detail = null)
    {
        if (status != CublasStatus.CUBLAS_STATUS_SUCCESS)
        {
            throw ToException(status, call, detail);
        }
    }

    public static CudaException ToException(CublasStatus status, string call, string? detail = null)
    {
        string name = Enum.IsDefined(status) ? status.ToString() : $"cublasStatus_t {(int)status}";
        return new CudaException(CudaApi.Cublas, call, (int)status, name, Describe(status), detail);
    }

    private static string Describe(CublasStatus status)
    {
        try
        {
            return Marshal.PtrToStringUTF8(CublasApi.cublasGetStatusString(status)) ?? "no description";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or CudaLibraryNotFoundException)
        {
            return "no description (cuBLAS older than 11.4.2 or not loaded)";
        }
    }
}
