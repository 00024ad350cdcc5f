using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RexNet.Server.Tests.Support;

/// <summary>Starts programs for the tests that need a real process, with output captured line by line.</summary>
internal static partial class ChildProcess
{
    public static Process Start(string file, IEnumerable<string> arguments, Action<string> onLine)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The `dotnet` that runs these tests, to run rexnet.dll with.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>rexnet.dll, copied beside the tests by the project reference.</summary>
    public static string RexnetDll => Path.Combine(AppContext.BaseDirectory, "rexnet.dll");

    public static void Terminate(Process process)
    {
        if (Kill(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Ends a child a failed test left behind (by its id only).</summary>
    public static void KillIfRunning(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>True when REXNET_REQUIRE_PARITY=1: what CI must run fails instead of skipping.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("REXNET_REQUIRE_PARITY") == "1";
}
