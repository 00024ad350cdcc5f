namespace RexNet.Tests.Support;

/// <summary>
/// Gates for tests that drive native toolchains (gcc, clang, qemu). CI installs them (.ci/run), so
/// under REXNET_REQUIRE_PARITY=1 a missing one fails; elsewhere the test skips saying what to install.
/// </summary>
internal static class NativeTools
{
    /// <summary>Fails or skips unless every program is on PATH and every file exists.</summary>
    public static void Require(string why, string[] programs, params string[] files)
    {
        var missing = programs.Where(p => Find(p) is null).Concat(files.Where(f => !File.Exists(f))).ToArray();
        if (missing.Length == 0)
        {
            return;
        }
        string message = $"{why} needs {string.Join(", ", missing)}, which is not installed (.ci/run installs it with apt-get)";
        if (TestPaths.ParityRequired)
        {
            Assert.Fail(message + " and REXNET_REQUIRE_PARITY=1");
        }
        Assert.Skip(message);
    }

    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
