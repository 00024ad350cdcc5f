using System.Runtime.InteropServices;

namespace RexNet.Tests.Support;

/// <summary>The few libc calls the file-handling tests need and .NET does not offer: named pipes and hard links.</summary>
internal static partial class Posix
{
    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    /// <summary>Root ignores file permissions, so tests of read-only files and folders skip as root.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    public static string Fifo(TempDir dir, string name = "pipe")
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "named pipes are created with Linux's libc here");
        string path = dir.File(name);
        Assert.True(MakeFifo(path, Convert.ToUInt32("600", 8)) == 0, $"mkfifo failed with errno {Marshal.GetLastPInvokeError()}");
        return path;
    }

    public static void HardLink(string existing, string newPath)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "hard links are made with Linux's libc here");
        Assert.True(Link(existing, newPath) == 0, $"link failed with errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Reads a FIFO to its end on another thread (a writer blocks until a reader opens it).</summary>
    public static Task<byte[]> ReadAllAsync(string fifo) => Task.Run(() => File.ReadAllBytes(fifo));
}
