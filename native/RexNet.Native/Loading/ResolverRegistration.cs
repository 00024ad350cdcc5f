using System.Runtime.InteropServices;

namespace RexNet.Native.Loading;

/// <summary>
/// Routes the bindings' logical library names to <see cref="NativeLibraryLoader"/>. Registered from
/// the static constructor of each binding class, so it is in place before the first native call.
/// </summary>
internal static class ResolverRegistration
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(ResolverRegistration).Assembly, Resolve);
        }
    }

    // Throwing here surfaces from the first call into the library, with every path tried.
    private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath) =>
        LibraryNames.FromImportName(name) is { } library ? NativeLibraryLoader.Load(library).Handle : IntPtr.Zero;
}
