using RexNet.IO;

namespace RexNet.Hub;

/// <summary>
/// The hub's cache layout, shared with Python's huggingface_hub:
/// <c>models--OWNER--NAME/blobs/ETAG</c> holds the content, <c>snapshots/COMMIT/FILE</c> is a relative symlink to
/// the blob, and <c>refs/REVISION</c> holds the commit a branch pointed to when last fetched.
/// </summary>
internal sealed class HubCache(string root)
{
    public string Root { get; } = root;

    public string RepoFolder(string repo) => Path.Combine(Root, "models--" + repo.Replace("/", "--", StringComparison.Ordinal));

    public string BlobPath(string repo, string etag) => Path.Combine(RepoFolder(repo), "blobs", etag);

    public string SnapshotPath(string repo, string commit, string file) => Path.Combine(RepoFolder(repo), "snapshots", commit, file);

    public string RefPath(string repo, string revision) => Path.Combine(RepoFolder(repo), "refs", revision);

    /// <summary>The cached file for a branch, if the branch's commit and that commit's file are both present.</summary>
    public string? TryResolve(string repo, string revision, string file)
    {
        string refPath = RefPath(repo, revision);
        if (!File.Exists(refPath))
        {
            return null;
        }
        string commit = File.ReadAllText(refPath).Trim();
        if (commit.Length == 0 || commit.Contains('/') || commit.Contains('\\') || commit.Contains(".."))
        {
            return null;
        }
        string snapshot = SnapshotPath(repo, commit, file);
        return File.Exists(snapshot) ? snapshot : null;
    }

    /// <summary>Points snapshots/COMMIT/FILE at the blob and records the branch's commit.</summary>
    public string Link(string repo, string revision, string commit, string file, string etag)
    {
        string blob = BlobPath(repo, etag);
        string snapshot = SnapshotPath(repo, commit, file);
        Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
        if (File.Exists(snapshot) || new FileInfo(snapshot).LinkTarget is not null)
        {
            File.Delete(snapshot);
        }
        try
        {
            File.CreateSymbolicLink(snapshot, Path.GetRelativePath(Path.GetDirectoryName(snapshot)!, blob));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Where symlinks are not allowed huggingface_hub keeps a real file in the snapshot; so do we.
            File.Copy(blob, snapshot, overwrite: true);
        }
        if (!string.Equals(revision, commit, StringComparison.Ordinal))
        {
            string refPath = RefPath(repo, revision);
            Directory.CreateDirectory(Path.GetDirectoryName(refPath)!);
            OutputFile.Write(refPath, s => s.Write(System.Text.Encoding.ASCII.GetBytes(commit)));
        }
        return snapshot;
    }
}
