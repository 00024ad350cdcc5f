namespace RexNet.Server.Tests.Support;

internal static class TestPaths
{
    /// <summary>The checkout's root: the first folder above the test binaries that holds RexNetCuda.sln.</summary>
    public static string RepositoryRoot { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RexNetCuda.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no RexNetCuda.sln above {AppContext.BaseDirectory}");
    }
}
