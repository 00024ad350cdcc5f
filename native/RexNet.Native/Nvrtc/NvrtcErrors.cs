using System.Runtime.InteropServices;
using RexNet.Native.Errors;

namespace RexNet.Native.Nvrtc;

/// <summary>Turns an nvrtcResult into a <see cref="CudaException"/> with NVRTC's own description.</summary>
internal static class NvrtcErrors
{
    public static void Check(NvrtcResult result, string call, string? detail = null)
    {
        if (result != NvrtcResult.NVRTC_SUCCESS)
        {
            throw ToException(result, call, detail);
        }
    }

    public static CudaException ToException(NvrtcResult result, string call, string? detail = null)
    {
        string name = Enum.IsDefined(result) ? result.ToString() : $"nvrtcResult {(int)result}";
        string description = Marshal.PtrToStringUTF8(NvrtcApi.nvrtcGetErrorString(result)) ?? "no description";
        return new CudaException(CudaApi.Nvrtc, call, (int)result, name, description, detail);
    }
}
