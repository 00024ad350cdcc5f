namespace RexNet.IO;

/// <summary>
/// Every file the library and the CLI write goes through here, so that an output never destroys an input
/// and never replaces the thing it was meant to write into:
/// <list type="bullet">
/// <item>"-" (and /dev/stdout) is standard output;</item>
/// <item>what is not a regular file (a FIFO, a terminal, /dev/null, anything under /dev or /proc) is opened
/// and written straight;</item>
/// <item>a regular file, or a new one, is written to a temporary file in the directory it really lives in
/// (after following links) and renamed over its real path: a crash leaves the old file or the new one, never
/// half of one, and a symbolic link stays a link whose target gets the new content.</item>
/// </list>
/// Commands call <see cref="Check"/> for each output before their long work, so that a missing directory or an
/// output that is one of the inputs fails before anything was computed.
/// </summary>
internal static class OutputFile
{
    public const string StandardOutput = "-";

    private static readonly string[] StandardOutputNames = [StandardOutput, "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];

    public static bool IsStandardOutput(string path) => StandardOutputNames.Contains(path, StringComparer.Ordinal);

    /// <summary>
    /// Refuses, before any work, an output that cannot be written (its directory is missing or read-only, it
    /// is a directory or a read-only file) or that is one of <paramref name="inputs"/> (the same file through
    /// any path, link or hard link). Inputs that do not exist are skipped: reading them fails on its own.
    /// </summary>
    public static void Check(string output, IEnumerable<string> inputs)
    {
        if (IsStandardOutput(output))
        {
            return;
        }
        var status = FileStatus.Of(output);
        switch (status.Kind)
        {
            case FileKind.Directory:
                throw new RexNetException(RexNetErrorCode.InvalidArgument, $"output {output} is a directory; name a file to write");
            case FileKind.Other:
                return;
        }
        string real = RealPaths.Resolve(output);
        if (status.Kind == FileKind.Regular)
        {
            foreach (string input in inputs)
            {
                if (status.IsSameFile(real, input))
                {
                    throw new RexNetException(RexNetErrorCode.InvalidArgument,
                        $"output {output} is the input {input}; refusing to overwrite an input, choose another output file");
                }
            }
            RequireWritableFile(output, real);
        }
        RequireWritableDirectory(output, Path.GetDirectoryName(real)!);
    }

    /// <summary>Writes <paramref name="path"/> as the class comment says; "-" goes to
    /// <paramref name="standardOutput"/> (the process's standard output when null), which is flushed, not closed.</summary>
    public static void Write(string path, Action<Stream> writeContent, Stream? standardOutput = null)
    {
        if (IsStandardOutput(path))
        {
            var stream = standardOutput ?? Console.OpenStandardOutput();
            Guard(path, () =>
            {
                writeContent(stream);
                stream.Flush();
            });
            return;
        }
        var status = FileStatus.Of(path);
        if (status.Kind == FileKind.Directory)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"output {path} is a directory; name a file to write");
        }
        string full = Path.GetFullPath(path);
        if (status.Kind == FileKind.Other || full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal))
        {
            WriteStraight(path, status.Kind, writeContent);
        }
        else
        {
            WriteReplacing(path, RealPaths.Resolve(path), writeContent);
        }
    }

    private static void WriteStraight(string path, FileKind kind, Action<Stream> writeContent) => Guard(path, () =>
    {
        using var stream = new FileStream(path, kind == FileKind.Regular ? FileMode.Truncate : FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
        writeContent(stream);
    });

    private static void WriteReplacing(string path, string real, Action<Stream> writeContent)
    {
        string dir = Path.GetDirectoryName(real)!;
        if (!Directory.Exists(dir))
        {
            throw new RexNetException(RexNetErrorCode.NotFound, $"{path}: output directory '{dir}' does not exist");
        }
        string temp = TemporarySibling(real);
        try
        {
            Guard(path, () =>
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    writeContent(stream);
                    stream.Flush(flushToDisk: true);
                }
                if (!OperatingSystem.IsWindows() && File.Exists(real))
                {
                    // The new file takes the old one's permissions: a private file stays private.
                    File.SetUnixFileMode(temp, File.GetUnixFileMode(real));
                }
                File.Move(temp, real, overwrite: true);
            });
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static string TemporarySibling(string real) =>
        Path.Combine(Path.GetDirectoryName(real)!, $".{Path.GetFileName(real)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    private static void RequireWritableFile(string output, string real)
    {
        try
        {
            // Opening for writing without truncating changes nothing, and is the check the system itself makes.
            File.OpenHandle(real, FileMode.Open, FileAccess.Write, FileShare.ReadWrite).Dispose();
        }
        catch (UnauthorizedAccessException)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"output {output} is read-only; it was not replaced");
        }
        catch (IOException e)
        {
            throw new RexNetException(RexNetErrorCode.InvalidFile, $"output {output}: cannot write: {e.Message}", e);
        }
    }

    private static void RequireWritableDirectory(string output, string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new RexNetException(RexNetErrorCode.NotFound, $"{output}: output directory '{dir}' does not exist");
        }
        // The one reliable test (permissions, ACLs, read-only mounts): create what the write will create, and remove it.
        string probe = TemporarySibling(Path.Combine(dir, Path.GetFileName(output)));
        try
        {
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RexNetException(RexNetErrorCode.InvalidFile, $"{output}: cannot write to the output directory '{dir}': {e.Message}", e);
        }
    }

    private static void Guard(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RexNetException(RexNetErrorCode.InvalidFile, $"{path}: cannot write: {e.Message}", e);
        }
    }
}
