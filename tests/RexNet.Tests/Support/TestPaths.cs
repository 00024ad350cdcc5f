namespace RexNet.Tests.Support;

/// <summary>Locates the repository and the shared reference material next to it.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared from the project root: parity cases and test images.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Parity => Path.Combine(Shared, "parity");
    public static string Images => Path.Combine(Shared, "images");

    /// <summary>When REXNET_REQUIRE_PARITY=1 (CI), missing reference material fails instead of skipping.</summary>
    public static bool ParityRequired => Environment.GetEnvironmentVariable("REXNET_REQUIRE_PARITY") == "1";

    /// <summary>Returns the folder, or skips (fails under REXNET_REQUIRE_PARITY=1) with a clear message.</summary>
    public static string RequireSharedFolder(string path)
    {
        if (Directory.Exists(path))
        {
            return path;
        }
        string message = $"reference folder {path} is absent";
        if (ParityRequired)
        {
            Assert.Fail(message + " and REXNET_REQUIRE_PARITY=1");
        }
        Assert.Skip(message + "; set it up or run where ../shared exists");
        return path;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RexNetCuda.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName
            ?? Environment.GetEnvironmentVariable("REXNET_REPO_ROOT")
            ?? throw new InvalidOperationException("cannot find RexNetCuda.sln above the test binaries; set REXNET_REPO_ROOT");
    }

    /// <summary>A fresh temporary directory, removed by the caller's using.</summary>
    public static TempDir TempDir() => new();
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rexnet-test-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
