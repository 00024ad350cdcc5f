namespace RexNet.IO;

/// <summary>realpath(3) in managed code: every symbolic link in a path resolved, except that the last
/// components need not exist yet (an output about to be created). The ".." written in the path itself is
/// removed as text first, as .NET does before it opens any file; ".." inside link targets is physical.</summary>
internal static class RealPaths
{
    /// <summary>Linux's own limit on links followed in one lookup (MAXSYMLINKS).</summary>
    private const int MaxLinks = 40;

    public static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>();
        Push(pending, full[current.Length..]);
        int links = 0;
        while (pending.TryPop(out string? part))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Join(current, part);
            string? target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{path}: more than {MaxLinks} symbolic links to follow");
            }
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }
            Push(pending, target);
        }
        return current;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable (a component we may not search): taken as it is; opening it reports the real problem.
            return null;
        }
    }

    private static void Push(Stack<string> pending, string relative)
    {
        string[] parts = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
