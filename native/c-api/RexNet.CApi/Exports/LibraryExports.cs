using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RexNet.CApi.Exports;

/// <summary>rexnet_version, rexnet_last_error, rexnet_options_init.</summary>
internal static unsafe class LibraryExports
{
    private static readonly Lazy<nint> Version = new(() => (nint)Utf8Strings.Allocate(
        typeof(RexNetEngine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RexNetEngine).Assembly.GetName().Version?.ToString() ?? "unknown"));

    [UnmanagedCallersOnly(EntryPoint = "rexnet_version")]
    public static byte* RexNetVersion()
    {
        try
        {
            return (byte*)Version.Value;
        }
        catch (Exception)
        {
            return Utf8Strings.Empty;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rexnet_last_error")]
    public static byte* LastErrorMessage() => LastError.Pointer;

    [UnmanagedCallersOnly(EntryPoint = "rexnet_options_init")]
    public static void OptionsInit(COptions* options)
    {
        if (options is null)
        {
            return;
        }
        var defaults = new EngineOptions();
        *options = new COptions
        {
            Size = (nuint)sizeof(COptions),
            Device = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference("auto\0"u8)),
            MaxBatch = defaults.MaxBatch,
            Height = defaults.Height,
            Width = defaults.Width,
        };
    }
}
