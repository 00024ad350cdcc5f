using System.Runtime.InteropServices;
using RexNet.Native.Loading;

namespace RexNet.Native.Nvrtc;

/// <summary>NVRTC entry points, one-to-one with nvrtc.h.</summary>
internal static unsafe partial class NvrtcApi
{
    static NvrtcApi() => ResolverRegistration.EnsureRegistered();

    private const string Lib = LibraryNames.Nvrtc;

    [LibraryImport(Lib)] internal static partial IntPtr nvrtcGetErrorString(NvrtcResult result);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcVersion(out int major, out int minor);

    // Since NVRTC 11.2.
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetNumSupportedArchs(out int count);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetSupportedArchs(int* archs);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcCreateProgram(out IntPtr program, byte* source, byte* name, int headerCount, byte** headers, byte** includeNames);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcDestroyProgram(ref IntPtr program);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcCompileProgram(NvrtcProgramHandle program, int optionCount, byte** options);

    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetPTXSize(NvrtcProgramHandle program, out nuint size);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetPTX(NvrtcProgramHandle program, byte* ptx);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetCUBINSize(NvrtcProgramHandle program, out nuint size);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetCUBIN(NvrtcProgramHandle program, byte* cubin);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetProgramLogSize(NvrtcProgramHandle program, out nuint size);
    [LibraryImport(Lib)] internal static partial NvrtcResult nvrtcGetProgramLog(NvrtcProgramHandle program, byte* log);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NvrtcResult nvrtcAddNameExpression(NvrtcProgramHandle program, string nameExpression);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NvrtcResult nvrtcGetLoweredName(NvrtcProgramHandle program, string nameExpression, out IntPtr loweredName);
}
