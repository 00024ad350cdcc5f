namespace RexNet.IO;

/// <summary>Checks that an input path names a regular file before anything opens it.</summary>
public static class InputFile
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
            throw new InvalidInputFileException(path, "file not found");
        }
        return info.Length;
    }
}
