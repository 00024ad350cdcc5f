using System.Runtime.InteropServices;

namespace RexNet.IO;

/// <summary>What a path names, after following every symbolic link.</summary>
internal enum FileKind { Missing, Regular, Directory, Other }

/// <summary>A file's kind and identity: device and inode where the system tells them (0 where it does not).</summary>
internal readonly record struct FileStatus(FileKind Kind, ulong Device, ulong Inode)
{
    /// <summary>The path is made absolute first, ".." removed as text, because that is what .NET opens.</summary>
    public static FileStatus Of(string path) =>
        Statx.TryStat(Path.GetFullPath(path), out var kind, out ulong device, out ulong inode)
            ? new FileStatus(kind, device, inode)
            : new FileStatus(ManagedKind(path), 0, 0);

    /// <summary>Whether <paramref name="path"/> is this file: the same inode on the same device (which also
    /// catches hard links and bind mounts), or, where inodes are unknown, the same real path.</summary>
    public bool IsSameFile(string ownRealPath, string path)
    {
        var other = Of(path);
        if (Kind == FileKind.Missing || other.Kind == FileKind.Missing)
        {
            return false;
        }
        return Inode != 0 && other.Inode != 0
            ? Device == other.Device && Inode == other.Inode
            : string.Equals(ownRealPath, RealPaths.Resolve(path), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Without statx (not Linux) .NET cannot tell a FIFO from a file; device files live under /dev.</summary>
    private static FileKind ManagedKind(string path) =>
        Directory.Exists(path) ? FileKind.Directory
        : !File.Exists(path) ? FileKind.Missing
        : Path.GetFullPath(path).StartsWith("/dev/", StringComparison.Ordinal) ? FileKind.Other
        : FileKind.Regular;
}

/// <summary>Linux's statx(2), whose buffer has one layout on every architecture (unlike struct stat).</summary>
internal static partial class Statx
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxIno = 0x100;
    private const int FileTypeMask = 0xF000, RegularFile = 0x8000, DirectoryFile = 0x4000;
    private const int ENOENT = 2, ENOTDIR = 20;

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Buffer
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Call(int dirfd, string path, int flags, uint mask, out Buffer buffer);

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>False when statx is not there (not Linux, or a C library older than glibc 2.28); a path that does
    /// not exist is <see cref="FileKind.Missing"/>; any other failure reports the path as <see cref="FileKind.Other"/>
    /// so that it is opened (and the system's own error reported) rather than replaced.</summary>
    public static bool TryStat(string path, out FileKind kind, out ulong device, out ulong inode)
    {
        (kind, device, inode) = (FileKind.Missing, 0, 0);
        if (_unavailable)
        {
            return false;
        }
        int result;
        try
        {
            result = Call(AtFdCwd, path, 0, StatxType | StatxIno, out var b);
            if (result == 0)
            {
                kind = (b.Mode & FileTypeMask) switch
                {
                    RegularFile => FileKind.Regular,
                    DirectoryFile => FileKind.Directory,
                    _ => FileKind.Other,
                };
                device = ((ulong)b.DeviceMajor << 32) | b.DeviceMinor;
                inode = b.Inode;
                return true;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
            return false;
        }
        kind = Marshal.GetLastPInvokeError() is ENOENT or ENOTDIR ? FileKind.Missing : FileKind.Other;
        return true;
    }
}
