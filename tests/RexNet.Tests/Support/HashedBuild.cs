using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace RexNet.Tests.Support;

/// <summary>
/// Native pieces the tests build themselves (the kernel emulation, the mock CUDA driver): built once per
/// change of their inputs into &lt;name&gt;/&lt;hash of every input&gt;/ beside the test binaries (not /tmp,
/// which may be mounted noexec), through a staging folder renamed into place, so concurrent test
/// processes never see a half-built library. Older builds there are removed.
/// </summary>
internal static class HashedBuild
{
    /// <summary>The folder holding an up-to-date build, running <paramref name="build"/> into a staging folder if needed.</summary>
    public static string Ensure(string name, IEnumerable<string> inputs, string salt, string product, Action<string> build)
    {
        string cache = Path.Combine(AppContext.BaseDirectory, name);
        string folder = Path.Combine(cache, Hash(inputs, salt));
        if (File.Exists(Path.Combine(folder, product)))
        {
            return folder;
        }
        string staging = folder + ".tmp-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            build(staging);
            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (File.Exists(Path.Combine(folder, product)))
            {
                // Another test process finished the same build first; its output is identical.
            }
            RemoveOlderBuilds(cache, folder);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        return folder;
    }

    /// <summary>Runs a build tool; throws with its output when it fails or cannot start.</summary>
    public static string Run(string tool, IEnumerable<string> arguments, string what)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"building {what} needs {tool} on PATH (apt-get install g++): {e.Message}", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} failed to build {what} (exit {process.ExitCode}):\n{stdout}{stderr.Result}");
            }
            return stdout;
        }
    }

    /// <summary>Best effort: a folder another test process still uses may stay until the next build.</summary>
    private static void RemoveOlderBuilds(string cache, string keep)
    {
        foreach (string dir in Directory.GetDirectories(cache).Where(d => d != keep && !d.Contains(".tmp-", StringComparison.Ordinal)))
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static string Hash(IEnumerable<string> files, string salt)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(salt));
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
