namespace RexNet.IO;

/// <summary>Checks that an input path names a regular file before anything opens it.</summary>
internal static class InputFile
{
    /// <summary>Returns the file's length; a missing path or a directory is an <see cref="InvalidInputFileException"/>.</summary>
    public static long RequireLength(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidInputFileException(path, "is a directory, not a file");
        }
        // Size the file a symbolic link points at (hub snapshots are links into blobs/), not the link itself.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        }
        if (!info.Exists)
        {
            throw new InvalidInputFileException(path, "file not found", RexNetErrorCode.NotFound);
        }
        return info.Length;
    }

    /// <summary>Opens a file for reading; what the operating system refuses (permissions, I/O errors)
    /// becomes an <see cref="InvalidInputFileException"/> naming the file.</summary>
    public static FileStream OpenRead(string path) =>
        Guard(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));

    /// <summary>Runs an operation on a file, reporting the operating system's refusals as input-file errors.</summary>
    public static T Guard<T>(string path, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (FileNotFoundException)
        {
            throw new InvalidInputFileException(path, "file not found", RexNetErrorCode.NotFound);
        }
        catch (DirectoryNotFoundException)
        {
            throw new InvalidInputFileException(path, "file not found", RexNetErrorCode.NotFound);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputFileException(path, $"cannot read: {e.Message}", RexNetErrorCode.InvalidFile, e);
        }
    }
}
