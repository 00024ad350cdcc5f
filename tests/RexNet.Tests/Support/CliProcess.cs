namespace RexNet.Tests.Support;

/// <summary>
/// Runs the built `rexnet` executable (copied beside the test binaries) as a child process, for what an
/// in-process run cannot show: a process that never loaded the mock driver, i.e. a machine without CUDA.
/// </summary>
internal static class CliProcess
{
    /// <summary>Variables that point a process at the mock driver; <see cref="WithoutCuda"/> removes them.</summary>
    private static readonly string[] MockVariables = ["REXNET_CUDA_LIBS", "REXNET_CUDA_MOCK_DEVICES", "REXNET_CUDA_MOCK_ARCH"];

    public static CliResult WithoutCuda(params string[] args)
    {
        var r = ExternalProcess.Run(Path.Combine(AppContext.BaseDirectory, "rexnet"), args, TimeSpan.FromMinutes(5), environment: env =>
        {
            foreach (string name in MockVariables)
            {
                env.Remove(name);
            }
        });
        return new CliResult(r.ExitCode, System.Text.Encoding.UTF8.GetBytes(r.Stdout), r.Stderr);
    }
}
