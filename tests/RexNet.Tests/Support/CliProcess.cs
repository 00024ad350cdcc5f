using System.Diagnostics;

namespace RexNet.Tests.Support;

/// <summary>
/// Runs the built `rexnet` executable (copied beside the test binaries) as a child process, for what an
/// in-process run cannot show: a process that never loaded the mock driver, i.e. a machine without CUDA.
/// </summary>
internal static class CliProcess
{
    /// <summary>Variables that point a process at the mock driver; <see cref="WithoutCuda"/> removes them.</summary>
    private static readonly string[] MockVariables = ["REXNET_CUDA_LIBS", "REXNET_CUDA_MOCK_DEVICES", "REXNET_CUDA_MOCK_ARCH"];

    public static CliResult WithoutCuda(params string[] args) => Run(args, MockVariables.ToDictionary(v => v, _ => (string?)null));

    public static CliResult Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment, int timeoutSeconds = 300)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "rexnet"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("rexnet did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rexnet {string.Join(' ', args)} ran past {timeoutSeconds} s");
        }
        return new CliResult(process.ExitCode, System.Text.Encoding.UTF8.GetBytes(stdout.Result), stderr.Result);
    }
}
