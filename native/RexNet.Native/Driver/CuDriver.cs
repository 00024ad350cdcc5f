using System.Runtime.InteropServices;
using RexNet.Native.Loading;

namespace RexNet.Native.Driver;

/// <summary>
/// The CUDA driver API entry points, one-to-one with cuda.h. Entry points whose ABI changed carry
/// the suffix the header maps the plain name to (cuMemAlloc_v2, cuStreamBeginCapture_v2, ...), so
/// the bindings behave as a C program compiled against CUDA 12 headers would.
/// Handles that a call only uses are passed as SafeHandles (kept alive for the call); handles being
/// created or destroyed are raw pointers.
/// </summary>
internal static unsafe partial class CuDriver
{
    static CuDriver() => ResolverRegistration.EnsureRegistered();

    private const string Lib = LibraryNames.Driver;

    // Initialisation, version and errors.
    [LibraryImport(Lib)] internal static partial CuResult cuInit(uint flags);
    [LibraryImport(Lib)] internal static partial CuResult cuDriverGetVersion(out int version);
    [LibraryImport(Lib)] internal static partial CuResult cuGetErrorName(CuResult error, out IntPtr name);
    [LibraryImport(Lib)] internal static partial CuResult cuGetErrorString(CuResult error, out IntPtr description);

    // Devices.
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetCount(out int count);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGet(out int device, int ordinal);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceGetAttribute(out int value, CuDeviceAttribute attribute, int device);
    [LibraryImport(Lib)] internal static partial CuResult cuDeviceTotalMem_v2(out nuint bytes, int device);

    // Contexts: the device's primary context, shared with any CUDA runtime code in the process.
    [LibraryImport(Lib)] internal static partial CuResult cuDevicePrimaryCtxRetain(out IntPtr context, int device);
    [LibraryImport(Lib)] internal static partial CuResult cuDevicePrimaryCtxRelease_v2(int device);
    [LibraryImport(Lib)] internal static partial CuResult cuCtxSetCurrent(PrimaryContextHandle context);
    [LibraryImport(Lib)] internal static partial CuResult cuCtxPushCurrent_v2(IntPtr context);
    [LibraryImport(Lib)] internal static partial CuResult cuCtxPopCurrent_v2(out IntPtr context);
    [LibraryImport(Lib)] internal static partial CuResult cuCtxSynchronize();
    [LibraryImport(Lib)] internal static partial CuResult cuMemGetInfo_v2(out nuint free, out nuint total);

    // Streams and events.
    [LibraryImport(Lib)] internal static partial CuResult cuStreamCreate(out IntPtr stream, CuStreamFlags flags);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamDestroy_v2(IntPtr stream);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamSynchronize(CudaStreamHandle stream);
    [LibraryImport(Lib)] internal static partial CuResult cuEventCreate(out IntPtr cuEvent, CuEventFlags flags);
    [LibraryImport(Lib)] internal static partial CuResult cuEventDestroy_v2(IntPtr cuEvent);
    [LibraryImport(Lib)] internal static partial CuResult cuEventRecord(CudaEventHandle cuEvent, CudaStreamHandle stream);
    [LibraryImport(Lib)] internal static partial CuResult cuEventSynchronize(CudaEventHandle cuEvent);
    [LibraryImport(Lib)] internal static partial CuResult cuEventElapsedTime(out float milliseconds, CudaEventHandle start, CudaEventHandle end);

    // Device memory. CUdeviceptr is a 64-bit integer, passed as ulong with an offset already applied.
    [LibraryImport(Lib)] internal static partial CuResult cuMemAlloc_v2(out ulong pointer, nuint bytes);
    [LibraryImport(Lib)] internal static partial CuResult cuMemFree_v2(ulong pointer);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyHtoD_v2(ulong destination, void* source, nuint bytes);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyDtoH_v2(void* destination, ulong source, nuint bytes);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyDtoD_v2(ulong destination, ulong source, nuint bytes);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyHtoDAsync_v2(ulong destination, void* source, nuint bytes, CudaStreamHandle stream);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyDtoHAsync_v2(void* destination, ulong source, nuint bytes, CudaStreamHandle stream);
    [LibraryImport(Lib)] internal static partial CuResult cuMemcpyDtoDAsync_v2(ulong destination, ulong source, nuint bytes, CudaStreamHandle stream);
    [LibraryImport(Lib)] internal static partial CuResult cuMemsetD8_v2(ulong destination, byte value, nuint count);
    [LibraryImport(Lib)] internal static partial CuResult cuMemsetD32_v2(ulong destination, uint value, nuint count);
    [LibraryImport(Lib)] internal static partial CuResult cuMemsetD8Async(ulong destination, byte value, nuint count, CudaStreamHandle stream);
    [LibraryImport(Lib)] internal static partial CuResult cuMemsetD32Async(ulong destination, uint value, nuint count, CudaStreamHandle stream);

    // Page-locked host memory, for asynchronous copies.
    [LibraryImport(Lib)] internal static partial CuResult cuMemHostAlloc(out IntPtr pointer, nuint bytes, CuMemHostAllocFlags flags);
    [LibraryImport(Lib)] internal static partial CuResult cuMemFreeHost(IntPtr pointer);

    // Modules and kernels.
    [LibraryImport(Lib)] internal static partial CuResult cuModuleLoadData(out IntPtr module, void* image);
    [LibraryImport(Lib)] internal static partial CuResult cuModuleLoadDataEx(out IntPtr module, void* image, uint optionCount, CuJitOption* options, void** optionValues);
    [LibraryImport(Lib)] internal static partial CuResult cuModuleUnload(IntPtr module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial CuResult cuModuleGetFunction(out IntPtr function, CudaModuleHandle module, string name);
    [LibraryImport(Lib)] internal static partial CuResult cuFuncGetAttribute(out int value, CuFunctionAttribute attribute, IntPtr function);
    [LibraryImport(Lib)] internal static partial CuResult cuFuncSetAttribute(IntPtr function, CuFunctionAttribute attribute, int value);
    [LibraryImport(Lib)]
    internal static partial CuResult cuLaunchKernel(IntPtr function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedMemBytes, CudaStreamHandle stream, void** kernelParams, void** extra);

    // Graphs: record a stream's work once, replay it with one launch.
    [LibraryImport(Lib)] internal static partial CuResult cuStreamBeginCapture_v2(CudaStreamHandle stream, CuStreamCaptureMode mode);
    [LibraryImport(Lib)] internal static partial CuResult cuStreamEndCapture(CudaStreamHandle stream, out IntPtr graph);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphInstantiateWithFlags(out IntPtr graphExec, CudaGraphHandle graph, CuGraphInstantiateFlags flags);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphLaunch(CudaGraphExecHandle graphExec, CudaStreamHandle stream);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphExecUpdate_v2(CudaGraphExecHandle graphExec, CudaGraphHandle graph, out CuGraphExecUpdateResultInfo resultInfo);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphDestroy(IntPtr graph);
    [LibraryImport(Lib)] internal static partial CuResult cuGraphExecDestroy(IntPtr graphExec);
}
