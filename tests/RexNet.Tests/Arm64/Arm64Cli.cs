using RexNet.Tests.CApi;
using RexNet.Tests.Support;

namespace RexNet.Tests.Arm64;

/// <summary>
/// The CLI published for linux-arm64 exactly as an edge user does (dotnet publish src/RexNet.Cli -c Release
/// -r linux-arm64 --self-contained), once per test run, into arm64-cli/ beside the test binaries; its
/// intermediate files go to a folder of their own so the solution's obj/ is untouched.
/// </summary>
internal static class Arm64Cli
{
    private static readonly Lazy<string> Published = new(Publish);

    /// <summary>The published rexnet executable (an arm64 ELF file: run it through <see cref="NativeTarget.Arm64"/>).</summary>
    public static string Executable
    {
        get
        {
            NativeTarget.Arm64.RequireTools("the linux-arm64 CLI tests");
            return Published.Value;
        }
    }

    private static string Publish()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "arm64-cli");
        using var artifacts = TestPaths.TempDir();
        var result = ExternalProcess.Run("dotnet",
            ["publish", Path.Combine(TestPaths.RepoRoot, "src", "RexNet.Cli"), "-c", "Release", "-r", "linux-arm64",
             "--self-contained", "-o", output, "--artifacts-path", artifacts.Path, "-nologo"],
            TimeSpan.FromMinutes(15));
        Assert.True(result.ExitCode == 0, $"dotnet publish for linux-arm64 failed:\n{result}");
        return Path.Combine(output, "rexnet");
    }
}
