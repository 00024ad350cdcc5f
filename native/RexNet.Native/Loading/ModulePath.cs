using System.Runtime.InteropServices;

namespace RexNet.Native.Loading;

/// <summary>
/// The file a loaded library came from. A bare name ("libnvrtc.so.11.2") is resolved by the system
/// loader, so the real path is asked back from it: dladdr on an exported symbol (glibc and musl), or
/// GetModuleFileNameW on Windows.
/// </summary>
internal static unsafe partial class ModulePath
{
    public static string? Of(IntPtr handle, string exportedSymbol)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                var buffer = new char[1024];
                fixed (char* p = buffer)
                {
                    int n = GetModuleFileNameW(handle, p, buffer.Length);
                    return n > 0 ? new string(buffer, 0, n) : null;
                }
            }
            if (!NativeLibrary.TryGetExport(handle, exportedSymbol, out IntPtr address))
            {
                return null;
            }
            DlInfo info;
            return dladdr(address, &info) != 0 && info.FileName != IntPtr.Zero ? Marshal.PtrToStringUTF8(info.FileName) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CudaLibraryNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public IntPtr FileName;
        public IntPtr FileBase;
        public IntPtr SymbolName;
        public IntPtr SymbolAddress;
    }

    [LibraryImport("libc.so.6")]
    private static partial int dladdr(IntPtr address, DlInfo* info);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    private static partial int GetModuleFileNameW(IntPtr module, char* fileName, int size);
}
